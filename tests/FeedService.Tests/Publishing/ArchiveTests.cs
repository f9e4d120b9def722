using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using FeedService.Publishing;
using FeedService.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FeedService.Tests.Publishing;

/// <summary>RFC 5005 archives: with 3 items per document, 10 posts make a current feed of 3 and archive pages of 3, 3 and 1.</summary>
public sealed class ArchiveTests : IAsyncLifetime
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private const string History = "http://purl.org/syndication/history/1.0";
    private readonly FeedServiceApp _app = new(itemsPerFeed: 3);
    private readonly List<string> _guids = [];
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = _app.CreateClient();
        await _app.CreateCategoryAsync("hist", "History");
        for (var i = 1; i <= 10; i++)
            _guids.Add((await _app.CreatePostAsync(new { title = $"P{i:00}", content = $"<p>{i}</p>", categories = new[] { "hist" }, publishedAt = $"2025-01-{i:00}T00:00:00Z" })).Guid);
        await _app.WaitForFeedAsync("hist.atom", x => x.Contains(_guids[^1], StringComparison.Ordinal));
        await _app.RegenerateAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string? Link(XElement feed, string rel) =>
        (string?)feed.Elements(Atom + "link").SingleOrDefault(l => (string?)l.Attribute("rel") == rel)?.Attribute("href");

    private string Local(string url) => new Uri(url).PathAndQuery;

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
    public async Task Full_pages_are_immutable_and_a_new_post_rewrites_only_current_and_the_newest_page()
    {
        var page1 = await _client.GetAsync("/feeds/archive/hist/1.atom");
        var page3 = await _client.GetAsync("/feeds/archive/hist/3.atom");
        Assert.Equal(TimeSpan.FromDays(7), page1.Headers.CacheControl!.MaxAge);
        Assert.Equal(TimeSpan.FromSeconds(300), page3.Headers.CacheControl!.MaxAge);
        var before = Directory.EnumerateFiles(Path.Combine(_app.FeedsFolder, "archive", "hist"))
            .ToDictionary(f => Path.GetFileName(f), f => (File.ReadAllBytes(f), File.GetLastWriteTimeUtc(f)));

        var post = await _app.CreatePostAsync(new { title = "P11", content = "<p>11</p>", categories = new[] { "hist" }, publishedAt = "2025-01-11T00:00:00Z" });
        await _app.WaitForFeedAsync("hist.atom", x => x.Contains(post.Guid, StringComparison.Ordinal));
        await _app.RegenerateAsync();

        foreach (var (name, (bytes, written)) in before)
        {
            var path = Path.Combine(_app.FeedsFolder, "archive", "hist", name);
            if (name.StartsWith("3.", StringComparison.Ordinal))
                Assert.NotEqual(bytes, File.ReadAllBytes(path));
            else
            {
                Assert.Equal(bytes, File.ReadAllBytes(path));
                Assert.Equal(written, File.GetLastWriteTimeUtc(path));
            }
        }
        Assert.Equal(page1.Headers.ETag, (await _client.GetAsync("/feeds/archive/hist/1.atom")).Headers.ETag);
        var newest = XDocument.Parse(await _client.GetStringAsync("/feeds/archive/hist/3.atom")).Root!;
        Assert.Equal(2, newest.Elements(Atom + "entry").Count());
        Assert.Contains(_guids[7], newest.ToString());
    }

    [Fact]
    public async Task A_run_that_adds_a_post_renders_no_full_page()
    {
        var status = _app.Services.GetRequiredService<RegenerationStatus>();
        await _app.CreatePostAsync(new { title = "P11", content = "<p>11</p>", categories = new[] { "hist" }, publishedAt = "2025-01-11T00:00:00Z" });
        await _app.RegenerateAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(Path.Combine(_app.FeedsFolder, "archive", "hist", "3.json")) && DateTime.UtcNow < deadline) await Task.Delay(50);
        // Runs after the write touched only current documents and page 3 (the newest), never pages 1 and 2.
        var log = status.Last!;
        Assert.DoesNotContain(log.Changed, c => c.StartsWith("archive/hist/1.", StringComparison.Ordinal) || c.StartsWith("archive/hist/2.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task Archive_pages_are_written_alone_and_compressed_when_served(string encoding)
    {
        var folder = Path.Combine(_app.FeedsFolder, "archive", "hist");
        Assert.Equal(9, Directory.GetFiles(folder).Length);
        Assert.All(Directory.GetFiles(folder), f => Assert.DoesNotMatch(@"\.(gz|br)$", f));
        Assert.True(File.Exists(Path.Combine(_app.FeedsFolder, "hist.atom." + (encoding == "gzip" ? "gz" : "br"))));

        using var plain = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = _client.BaseAddress };
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
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(folder, "2.atom")), decoded.ToArray());
        Assert.Equal(await identity.Content.ReadAsByteArrayAsync(), decoded.ToArray());
    }

    [Fact]
    public async Task Copies_left_beside_an_archive_page_are_removed_by_the_next_full_run()
    {
        // An earlier version wrote .gz/.br beside archive pages; they are not kept, so they can never go stale.
        var page = Path.Combine(_app.FeedsFolder, "archive", "hist", "1.rss");
        await File.WriteAllBytesAsync(page + ".gz", [1, 2, 3]);
        await File.WriteAllBytesAsync(page + ".br", [1, 2, 3]);
        _app.Services.GetRequiredService<FeedChanges>().MarkEverythingDirty();
        await _app.RegenerateAsync();
        Assert.False(File.Exists(page + ".gz"));
        Assert.False(File.Exists(page + ".br"));
        Assert.True(File.Exists(page));
    }

    [Fact]
    public async Task History_shrinks_when_posts_are_deleted()
    {
        var writer = _app.Writer();
        var list = JsonDocument.Parse(await writer.GetStringAsync("/api/posts?category=hist&pageSize=100")).RootElement.GetProperty("items");
        foreach (var id in list.EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).Take(5))
            (await writer.DeleteAsync($"/api/posts/{id}")).EnsureSuccessStatusCode();
        await _app.RegenerateAsync();
        await _app.RegenerateAsync();
        // 5 posts left: 3 current, 2 in page 1; pages 2 and 3 are gone.
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/feeds/archive/hist/1.rss")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/feeds/archive/hist/2.rss")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/feeds/archive/hist/3.json")).StatusCode);
    }
}
