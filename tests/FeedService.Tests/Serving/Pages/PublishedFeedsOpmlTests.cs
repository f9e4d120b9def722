using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using FeedService.Aggregation;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Serving.Pages;

public sealed class PublishedFeedsOpmlTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    private static readonly string[] Slugs = ["all", "empty", "news", "odd", "tech"];
    private static readonly string[] Extensions = ["rss", "atom", "json"];

    [Fact]
    public async Task Opml_2_lists_every_feed_in_every_format()
    {
        var response = await site.Client.GetAsync("/feeds.opml");
        ResponseAssert.OkForEveryOrigin(response, "text/x-opml");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());

        var doc = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("opml", doc.Root!.Name.LocalName);
        Assert.Equal("2.0", (string?)doc.Root.Attribute("version"));
        Assert.False(string.IsNullOrWhiteSpace(doc.Root.Element("head")?.Element("title")?.Value));
        var outlines = doc.Root.Element("body")!.Elements("outline").ToList();
        Assert.Equal(Slugs.Length * Extensions.Length, outlines.Count);
        foreach (var outline in outlines)
        {
            Assert.Equal("rss", (string?)outline.Attribute("type"));
            foreach (var attribute in new[] { "text", "title", "xmlUrl", "htmlUrl" }) Assert.False(string.IsNullOrWhiteSpace((string?)outline.Attribute(attribute)), attribute);
        }
        var expected = Slugs.SelectMany(slug => Extensions.Select(ext => SiteFixture.Absolute($"feeds/{slug}.{ext}"))).Order().ToList();
        Assert.Equal(expected, outlines.Select(o => (string)o.Attribute("xmlUrl")!).Order().ToList());
        var tech = outlines.Where(o => ((string)o.Attribute("xmlUrl")!).Contains("/tech.", StringComparison.Ordinal)).ToList();
        Assert.All(tech, o => Assert.Equal(SiteFixture.Absolute("categories/tech"), (string?)o.Attribute("htmlUrl")));
        Assert.Equal(["FeedService: Tech (Atom)", "FeedService: Tech (JSON Feed)", "FeedService: Tech (RSS)"], tech.Select(o => (string)o.Attribute("title")!).Order());
        Assert.Contains(outlines, o => (string?)o.Attribute("title") == $"FeedService: {SiteFixture.OddName} (RSS)");
    }

    [Fact]
    public async Task Every_listed_feed_is_served()
    {
        await site.App.WaitForFeedAsync("tech.rss", x => x.Contains("Tech post 23", StringComparison.Ordinal));
        await site.App.WaitForFeedAsync("news.atom", x => x.Contains("Agency announcement", StringComparison.Ordinal));
        var doc = XDocument.Parse(await site.Client.GetStringAsync("/feeds.opml"));
        foreach (var url in doc.Descendants("outline").Select(o => new Uri((string)o.Attribute("xmlUrl")!)))
        {
            // Waits (bounded) for the file: a category created by the fixture may still be in its first regeneration.
            await site.App.WaitForFeedAsync(url.AbsolutePath["/feeds/".Length..], _ => true);
        }
    }

    [Fact]
    public async Task Our_own_opml_reader_imports_it()
    {
        await using var stream = await site.Client.GetStreamAsync("/feeds.opml");
        var outlines = Opml.Read(stream);
        Assert.Equal(Slugs.Length * Extensions.Length, outlines.Count);
        Assert.All(outlines, o => Assert.StartsWith(SiteFixture.Absolute("feeds/"), o.Url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Opml_is_cached_with_a_strong_etag_and_304()
    {
        // The same data gives the same bytes: nothing in the document is the time of the request.
        var etag = await ResponseAssert.CachedUnderStrongETagAsync(site.Client, "/feeds.opml", await site.Client.GetAsync("/feeds.opml"));

        var weakened = new HttpRequestMessage(HttpMethod.Get, "/feeds.opml");
        weakened.Headers.TryAddWithoutValidation("If-None-Match", $"W/{etag.Tag}");
        Assert.Equal(HttpStatusCode.NotModified, (await site.Client.SendAsync(weakened)).StatusCode);

        var gzip = new HttpRequestMessage(HttpMethod.Get, "/feeds.opml");
        gzip.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        gzip.Headers.IfNoneMatch.Add(etag);
        var compressed = await site.Client.SendAsync(gzip);
        Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
        Assert.NotEqual(etag, compressed.Headers.ETag);
    }
}
