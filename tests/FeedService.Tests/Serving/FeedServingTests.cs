using System.IO.Compression;
using System.Net;
using System.Text.Json;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Serving;

public sealed class FeedServingTests() : AppTestBase(new FeedServiceApp())
{
    private HttpClient _client = null!;

    public override async Task InitializeAsync()
    {
        _client = App.CreateClient();
        await App.CreateCategoryAsync("tech", "Tech");
        var post = await App.CreatePostAsync(new { title = "Serving test", content = "<p>Body</p>", categories = new[] { "tech" }, publishedAt = "2026-01-02T03:04:05Z" });
        foreach (var file in new[] { "tech.rss", "tech.atom", "tech.json", "all.rss", "all.atom", "all.json" })
            await App.WaitForFeedAsync(file, x => x.Contains(post.Guid, StringComparison.Ordinal));
        await App.WaitForFeedFolderAsync();
    }

    [Theory]
    [InlineData("tech.rss", "application/rss+xml")]
    [InlineData("tech.atom", "application/atom+xml")]
    [InlineData("all.rss", "application/rss+xml")]
    [InlineData("all.atom", "application/atom+xml")]
    [InlineData("tech.json", "application/feed+json")]
    [InlineData("all.json", "application/feed+json")]
    public async Task Get_serves_the_file_with_caching_headers(string file, string mediaType)
    {
        var response = await _client.GetAsync($"/feeds/{file}");
        ResponseAssert.OkForEveryOrigin(response, mediaType);
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.True(response.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromSeconds(300), response.Headers.CacheControl.MaxAge);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        var body = await response.Content.ReadAsByteArrayAsync();
        // feeds/ is the static copy of exactly what is served.
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(App.FeedsFolder, file)), body);
    }

    [Fact]
    public async Task If_none_match_with_the_etag_gets_304_with_validators_and_no_body()
    {
        var first = await _client.GetAsync("/feeds/tech.rss");
        var request = new HttpRequestMessage(HttpMethod.Get, "/feeds/tech.rss");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var second = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        Assert.True(second.Headers.CacheControl!.Public);
        // RFC 9110 15.4.5: the validator and the caching fields, no other representation metadata.
        Assert.Contains("Accept-Encoding", second.Headers.Vary);
        Assert.Null(second.Content.Headers.LastModified);
        Assert.Empty(second.Content.Headers.ContentEncoding);
        Assert.False(second.Headers.Contains("Link"));
    }

    [Fact]
    public async Task A_weakened_etag_echoed_by_a_compressing_proxy_still_matches()
    {
        var tag = (await _client.GetAsync("/feeds/tech.atom")).Headers.ETag!.Tag;
        var request = new HttpRequestMessage(HttpMethod.Get, "/feeds/tech.atom");
        request.Headers.TryAddWithoutValidation("If-None-Match", $"\"other\", W/{tag}");
        Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task If_modified_since_gets_304_when_unchanged_and_200_when_older()
    {
        var lastModified = (await _client.GetAsync("/feeds/tech.rss")).Content.Headers.LastModified!.Value;
        var same = new HttpRequestMessage(HttpMethod.Get, "/feeds/tech.rss");
        same.Headers.IfModifiedSince = lastModified;
        Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(same)).StatusCode);
        var older = new HttpRequestMessage(HttpMethod.Get, "/feeds/tech.rss");
        older.Headers.IfModifiedSince = lastModified.AddMinutes(-1);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(older)).StatusCode);
    }

    [Fact]
    public async Task If_none_match_wins_over_if_modified_since()
    {
        var first = await _client.GetAsync("/feeds/tech.rss");
        // Stale tag + fresh date: the tag decides, so the full document comes back.
        var stale = new HttpRequestMessage(HttpMethod.Get, "/feeds/tech.rss");
        stale.Headers.TryAddWithoutValidation("If-None-Match", "\"stale\"");
        stale.Headers.IfModifiedSince = first.Content.Headers.LastModified!.Value.AddYears(1);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(stale)).StatusCode);
        // Matching tag + old date: still the tag decides, 304.
        var matching = new HttpRequestMessage(HttpMethod.Get, "/feeds/tech.rss");
        matching.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        matching.Headers.IfModifiedSince = first.Content.Headers.LastModified!.Value.AddYears(-10);
        Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(matching)).StatusCode);
    }

    [Fact]
    public async Task Head_has_the_get_headers_and_no_body()
    {
        var get = await _client.GetAsync("/feeds/tech.atom");
        var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/feeds/tech.atom"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("br", "br")]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("identity", null)]
    public async Task Compressed_variants_have_their_own_etag_and_decode_to_the_same_bytes(string acceptEncoding, string? expected)
    {
        var plain = await _client.GetAsync("/feeds/tech.rss");
        var plainBytes = await plain.Content.ReadAsByteArrayAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/feeds/tech.rss");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (expected is null)
        {
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Equal(plainBytes, body);
            return;
        }
        Assert.Equal(expected, response.Content.Headers.ContentEncoding.Single());
        Assert.NotEqual(plain.Headers.ETag, response.Headers.ETag);
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.Equal(plainBytes, Decode(body, expected));

        var again = new HttpRequestMessage(HttpMethod.Get, "/feeds/tech.rss");
        again.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(again)).StatusCode);
    }

    [Theory]
    [InlineData("/feeds/nope.rss")]
    [InlineData("/feeds/tech.xml")]
    [InlineData("/feeds/archive/tech/0.rss")]
    [InlineData("/feeds/archive/tech/01.atom")]
    [InlineData("/feeds/archive/tech/99.json")]
    [InlineData("/feeds/archive/Tech/1.rss")]
    [InlineData("/feeds/archive/tech/1.rss.gz")]
    [InlineData("/feeds/archive/..%2F..%2Fdata/1.rss")]
    [InlineData("/feeds/archive/tech/..%2F..%2Ftech.rss")]
    [InlineData("/feeds/Tech.rss")]
    [InlineData("/feeds/tech.rss.gz")]
    [InlineData("/feeds/.gitkeep")]
    [InlineData("/feeds/..%2Fdata%2Ffeedservice.db")]
    [InlineData("/feeds/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/feeds/%2Fetc%2Fpasswd")]
    [InlineData("/feeds/C:%5Cwindows%5Cwin.rss")]
    [InlineData("/feeds/tech..rss")]
    [InlineData("/feeds/%2e%2e/data/feedservice.db")]
    [InlineData("/feeds/-tech.rss")]
    public async Task Unknown_and_malicious_names_get_404_problem_json(string path)
    {
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Unknown_slug_problem_says_what_feeds_exist()
    {
        var response = await _client.GetAsync("/feeds/nope.atom");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("nope.atom", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static byte[] Decode(byte[] body, string encoding)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = encoding == "gzip" ? new GZipStream(input, CompressionMode.Decompress) : new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }
}

public sealed class FeedInBrowserTests
{
    [Fact]
    public async Task A_browser_tab_gets_the_same_bytes_as_xml_with_a_stylesheet_that_renders_them()
    {
        await using var app = new FeedServiceApp(seedDemo: true);
        var client = app.CreateClient();
        var feed = await app.WaitForFeedAsync("hm-probation-inspectorate.rss", x => x.Contains("<item>", StringComparison.Ordinal));
        await app.WaitForFeedAsync("hm-probation-inspectorate.json", x => x.Contains("North London", StringComparison.Ordinal));
        Assert.Contains("<?xml-stylesheet type=\"text/xsl\" href=\"/assets/feed.xsl\"?>", feed, StringComparison.Ordinal);

        var reader = await client.GetAsync("/feeds/hm-probation-inspectorate.rss");
        var tab = new HttpRequestMessage(HttpMethod.Get, "/feeds/hm-probation-inspectorate.rss");
        tab.Headers.Add("Sec-Fetch-Dest", "document");
        var browser = await client.SendAsync(tab);
        Assert.Equal("application/rss+xml", reader.Content.Headers.ContentType!.MediaType);
        Assert.Equal("application/xml", browser.Content.Headers.ContentType!.MediaType);
        Assert.Equal(await reader.Content.ReadAsByteArrayAsync(), await browser.Content.ReadAsByteArrayAsync());
        Assert.NotEqual(reader.Headers.ETag, browser.Headers.ETag);
        Assert.Contains("Sec-Fetch-Dest", browser.Headers.Vary);

        var json = new HttpRequestMessage(HttpMethod.Get, "/feeds/hm-probation-inspectorate.json");
        json.Headers.Add("Sec-Fetch-Dest", "document");
        Assert.Equal("application/feed+json", (await client.SendAsync(json)).Content.Headers.ContentType!.MediaType);

        var xsl = await client.GetAsync("/assets/feed.xsl");
        Assert.Equal("text/xsl", xsl.Content.Headers.ContentType!.MediaType);
        var stylesheet = System.Xml.Linq.XDocument.Parse(await xsl.Content.ReadAsStringAsync());
        Assert.Equal("stylesheet", stylesheet.Root!.Name.LocalName);
        var transform = new System.Xml.Xsl.XslCompiledTransform();
        using (var xslReader = stylesheet.CreateReader()) transform.Load(xslReader);
        using var output = new StringWriter();
        using (var feedReader = System.Xml.XmlReader.Create(new StringReader(feed), new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Ignore }))
            transform.Transform(feedReader, null, output);
        Assert.Contains("North London Probation Services", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("copy this page's address into a feed reader", output.ToString(), StringComparison.Ordinal);
    }
}
