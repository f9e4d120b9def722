using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using FeedService.Publishing;
using FeedService.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FeedService.Tests.Publishing;

/// <summary>RFC 5005 archives: with 3 items per document, 10 posts make a current feed of 3 and archive pages of 3, 3 and 1.</summary>
public sealed class ArchiveTests() : AppTestBase(new FeedServiceApp(itemsPerFeed: 3))
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private const string History = "http://purl.org/syndication/history/1.0";
    private readonly List<string> _guids = [];
    private HttpClient _client = null!;

    public override async Task InitializeAsync()
    {
        _client = App.CreateClient();
        await App.CreateCategoryAsync("hist", "History");
        for (var i = 1; i <= 10; i++)
            _guids.Add((await App.CreatePostAsync(new { title = $"P{i:00}", content = $"<p>{i}</p>", categories = new[] { "hist" }, publishedAt = $"2025-01-{i:00}T00:00:00Z" })).Guid);
        await App.WaitForFeedAsync("hist.atom", x => x.Contains(_guids[^1], StringComparison.Ordinal));
        await App.RegenerateAsync();
    }

    private static string? Link(XElement feed, string rel) =>
        (string?)feed.Elements(Atom + "link").SingleOrDefault(l => (string?)l.Attribute("rel") == rel)?.Attribute("href");

    private static string Local(string url) => new Uri(url).PathAndQuery;

    [Fact]
    public async Task Atom_history_walks_from_current_to_the_first_post_seeing_every_item_once()
    {
        var seen = new List<string>();
        var url = $"{FeedServiceApp.BaseUrl}/feeds/hist.atom";
        var documents = 0;
        while (url is not null && documents++ < 20)
        {
            var feed = XDocument.Parse(await _client.GetStringAsync(Local(url))).Root!;
            FeedAssert.ValidAtom(feed.ToString(), url);
            seen.AddRange(feed.Elements(Atom + "entry").Select(e => e.Element(Atom + "id")!.Value));
            if (documents > 1)
            {
                Assert.NotNull(feed.Element(XName.Get("archive", History)));
                Assert.Equal($"{FeedServiceApp.BaseUrl}/feeds/hist.atom", Link(feed, "current"));
            }
            else Assert.Null(feed.Element(XName.Get("archive", History)));
            url = Link(feed, "prev-archive");
        }
        Assert.Equal(4, documents);
        Assert.Equal(Enumerable.Reverse(_guids), seen);
    }

    [Fact]
    public async Task Rss_history_walks_through_atom_links()
    {
        var seen = new List<string>();
        var url = $"{FeedServiceApp.BaseUrl}/feeds/hist.rss";
        for (var documents = 0; url is not null && documents < 20; documents++)
        {
            var xml = await _client.GetStringAsync(Local(url));
            seen.AddRange(FeedAssert.ValidRss(xml, url));
            var channel = XDocument.Parse(xml).Root!.Element("channel")!;
            if (documents > 0) Assert.NotNull(channel.Element(XName.Get("archive", History)));
            url = Link(channel, "prev-archive");
        }
        Assert.Equal(Enumerable.Reverse(_guids), seen);
    }

    [Fact]
    public async Task Json_history_walks_through_next_url()
    {
        var seen = new List<string>();
        string? url = $"{FeedServiceApp.BaseUrl}/feeds/hist.json";
        for (var documents = 0; url is not null && documents < 20; documents++)
        {
            using var doc = JsonDocument.Parse(await _client.GetStringAsync(Local(url)));
            Assert.Equal(url, doc.RootElement.GetProperty("feed_url").GetString());
            seen.AddRange(doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            url = doc.RootElement.TryGetProperty("next_url", out var next) ? next.GetString() : null;
        }
        Assert.Equal(Enumerable.Reverse(_guids), seen);
    }

    [Fact]
    public async Task Full_pages_are_immutable_and_a_new_post_changes_only_current_and_the_newest_page()
    {
        var before = new Dictionary<string, (byte[] Body, string ETag, DateTimeOffset? LastModified)>();
        foreach (var page in new[] { 1, 2, 3 })
            foreach (var ext in new[] { "rss", "atom", "json" })
            {
                var response = await _client.GetAsync($"/feeds/archive/hist/{page}.{ext}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(page < 3 ? TimeSpan.FromDays(7) : TimeSpan.FromSeconds(300), response.Headers.CacheControl!.MaxAge);
                before[$"{page}.{ext}"] = (await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag!.Tag, response.Content.Headers.LastModified);
            }

        var post = await App.CreatePostAsync(new { title = "P11", content = "<p>11</p>", categories = new[] { "hist" }, publishedAt = "2025-01-11T00:00:00Z" });
        await App.WaitForFeedAsync("hist.atom", x => x.Contains(post.Guid, StringComparison.Ordinal));
        await App.RegenerateAsync();

        foreach (var (name, (body, etag, lastModified)) in before)
        {
            var response = await _client.GetAsync($"/feeds/archive/hist/{name}");
            var now = await response.Content.ReadAsByteArrayAsync();
            if (name.StartsWith("3.", StringComparison.Ordinal))
            {
                Assert.NotEqual(body, now);
                Assert.NotEqual(etag, response.Headers.ETag!.Tag);
            }
            else
            {
                Assert.Equal(body, now);
                Assert.Equal(etag, response.Headers.ETag!.Tag);
                Assert.Equal(lastModified, response.Content.Headers.LastModified);
            }
        }
        var newest = XDocument.Parse(await _client.GetStringAsync("/feeds/archive/hist/3.atom")).Root!;
        Assert.Equal(2, newest.Elements(Atom + "entry").Count());
        Assert.Contains(_guids[7], newest.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task Archive_pages_are_rendered_when_asked_for_and_served_compressed(string encoding)
    {
        // No archive files: the run publishes the pages and the server renders one on its first request.
        await App.WaitForFeedFolderAsync();
        Assert.False(Directory.Exists(Path.Combine(App.FeedsFolder, "archive")));
        Assert.True(File.Exists(Path.Combine(App.FeedsFolder, "hist.atom." + (encoding == "gzip" ? "gz" : "br"))));

        var identity = await _client.GetAsync("/feeds/archive/hist/2.atom");
        var request = new HttpRequestMessage(HttpMethod.Get, "/feeds/archive/hist/2.atom");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", encoding);
        var compressed = await _client.SendAsync(request);

        Assert.Equal(encoding, Assert.Single(compressed.Content.Headers.ContentEncoding));
        Assert.NotEqual(identity.Headers.ETag, compressed.Headers.ETag);
        var body = await compressed.Content.ReadAsByteArrayAsync();
        using var decoder = encoding == "gzip"
            ? (Stream)new System.IO.Compression.GZipStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress)
            : new System.IO.Compression.BrotliStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress);
        using var decoded = new MemoryStream();
        await decoder.CopyToAsync(decoded);
        Assert.Equal(await identity.Content.ReadAsByteArrayAsync(), decoded.ToArray());

        // A conditional request for the rendered page is a 304 with the same validator.
        var again = new HttpRequestMessage(HttpMethod.Get, "/feeds/archive/hist/2.atom");
        again.Headers.TryAddWithoutValidation("If-None-Match", identity.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(again)).StatusCode);
        var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/feeds/archive/hist/1.json"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("application/feed+json", head.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Pages_render_the_same_bytes_from_a_small_cache_and_after_a_restart()
    {
        var pages = new[] { "1.rss", "2.atom", "3.json", "1.json" };
        var first = new Dictionary<string, (byte[], string)>();
        foreach (var page in pages)
        {
            var response = await _client.GetAsync($"/feeds/archive/hist/{page}");
            first[page] = (await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag!.Tag);
        }

        // The same store behind another process, with room for about one page: every request renders again.
        await using var restarted = new FeedServiceApp(App.Folder, itemsPerFeed: 3,
            settings: new Dictionary<string, string> { ["FeedService:Feeds:ArchiveCacheMegabytes"] = "1" });
        var client = restarted.CreateClient();
        for (var round = 0; round < 2; round++)
            foreach (var page in pages)
            {
                var response = await client.GetAsync($"/feeds/archive/hist/{page}");
                Assert.Equal(first[page].Item1, await response.Content.ReadAsByteArrayAsync());
                Assert.Equal(first[page].Item2, response.Headers.ETag!.Tag);
            }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/feeds/archive/hist/4.rss")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/feeds/archive/nope/1.rss")).StatusCode);
    }

    [Fact]
    public async Task An_archive_folder_left_by_an_earlier_version_is_removed_at_start()
    {
        // Earlier versions wrote every page to feeds/archive/; a static server in front would serve them stale.
        var folder = Directory.CreateTempSubdirectory("feedservice-test-").FullName;
        var leftover = Path.Combine(folder, "feeds", "archive", "hist", "1.rss");
        Directory.CreateDirectory(Path.GetDirectoryName(leftover)!);
        await File.WriteAllTextAsync(leftover, "<rss/>");
        await using var app = new FeedServiceApp(folder);
        await app.CreateClient().GetAsync("/healthz");
        await app.RegenerateAsync();
        await app.WaitForFeedFolderAsync();
        Assert.False(Directory.Exists(Path.Combine(folder, "feeds", "archive")));
    }

    [Fact]
    public async Task A_run_that_adds_a_post_keeps_every_full_page()
    {
        var index = App.Services.GetRequiredService<ArchiveIndex>();
        var before = index.Find("hist")!.Pages;
        var post = await App.CreatePostAsync(new { title = "P11", content = "<p>11</p>", categories = new[] { "hist" }, publishedAt = "2025-01-11T00:00:00Z" });
        await App.WaitForFeedAsync("hist.atom", x => x.Contains(post.Guid, StringComparison.Ordinal));
        await App.RegenerateAsync();
        // Pages 1 and 2 are the same objects (their renderings stay served); page 3, the newest, is a new one.
        var after = index.Find("hist")!.Pages;
        Assert.Equal(3, after.Count);
        Assert.Same(before[0], after[0]);
        Assert.Same(before[1], after[1]);
        Assert.NotSame(before[2], after[2]);
        Assert.NotEqual(before[2].Hash, after[2].Hash);
    }

    [Fact]
    public async Task An_edited_old_post_is_in_its_page_after_the_next_run_never_the_kept_rendering()
    {
        var page1 = await _client.GetStringAsync("/feeds/archive/hist/1.rss");
        Assert.Contains("<title>P01</title>", page1, StringComparison.Ordinal);
        var first = await App.Writer().GetStringAsync("/api/posts?category=hist&pageSize=100");
        var id = JsonDocument.Parse(first).RootElement.GetProperty("items").EnumerateArray()
            .Single(p => p.GetProperty("title").GetString() == "P01").GetProperty("id").GetInt64();
        var update = await App.Writer().PutAsJsonAsync($"/api/posts/{id}",
            new { title = "P01 edited", content = "<p>1</p>", categories = new[] { "hist" }, publishedAt = "2025-01-01T00:00:00Z" });
        update.EnsureSuccessStatusCode();
        await App.RegenerateAsync();
        var after = await _client.GetStringAsync("/feeds/archive/hist/1.rss");
        Assert.Contains("<title>P01 edited</title>", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_shrinks_when_posts_are_deleted()
    {
        var writer = App.Writer();
        var list = JsonDocument.Parse(await writer.GetStringAsync("/api/posts?category=hist&pageSize=100")).RootElement.GetProperty("items");
        foreach (var id in list.EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).Take(5))
            (await writer.DeleteAsync($"/api/posts/{id}")).EnsureSuccessStatusCode();
        await App.RegenerateAsync();
        await App.RegenerateAsync();
        // 5 posts left: 3 current, 2 in page 1; pages 2 and 3 are gone.
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/feeds/archive/hist/1.rss")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/feeds/archive/hist/2.rss")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/feeds/archive/hist/3.json")).StatusCode);
    }
}
