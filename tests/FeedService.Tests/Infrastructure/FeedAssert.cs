using System.Globalization;
using System.ServiceModel.Syndication;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Xunit;

namespace FeedService.Tests.Infrastructure;

/// <summary>
/// The W3C feed validator's main rules for what we write, checked on the document itself, plus a read-back
/// through System.ServiceModel.Syndication. (RELAX NG validation of Atom runs in tests/interop with jing.)
/// </summary>
public static partial class FeedAssert
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";

    [GeneratedRegex(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$")]
    private static partial Regex Rfc822();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"\s(href|src)\s*=\s*""([^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlUrl();

    /// <summary>Asserts the RSS document is valid and returns its items' guids in order.</summary>
    public static List<string> ValidRss(string xml, string expectedSelf)
    {
        Assert.DoesNotContain("a10:", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("xmlns:a10", xml, StringComparison.Ordinal);
        var doc = XDocument.Parse(xml);
        var rss = doc.Root!;
        Assert.Equal("rss", rss.Name.LocalName);
        Assert.Equal("2.0", (string?)rss.Attribute("version"));
        Assert.Equal("atom", rss.GetPrefixOfNamespace(Atom));
        var channel = rss.Element("channel")!;
        foreach (var required in new[] { "title", "link", "description" }) Assert.False(string.IsNullOrWhiteSpace(channel.Element(required)?.Value), $"channel/{required}");
        AssertAbsolute(channel.Element("link")!.Value);
        var self = channel.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "self");
        Assert.Equal(expectedSelf, (string?)self.Attribute("href"));
        Assert.Equal("application/rss+xml", (string?)self.Attribute("type"));
        if (channel.Element("lastBuildDate") is { } built) Assert.Matches(Rfc822(), built.Value);

        var guids = new List<string>();
        foreach (var item in channel.Elements("item"))
        {
            Assert.False(string.IsNullOrWhiteSpace(item.Element("title")?.Value), "item/title");
            AssertAbsolute(item.Element("link")!.Value);
            var guid = item.Element("guid")!;
            Assert.Equal("false", (string?)guid.Attribute("isPermaLink"));
            Assert.Matches("^(urn:uuid:|tag:)", guid.Value);
            guids.Add(guid.Value);
            Assert.Matches(Rfc822(), item.Element("pubDate")!.Value);
            Assert.NotNull(item.Element("description"));
            Assert.False(string.IsNullOrWhiteSpace(item.Element(Dc + "creator")?.Value), "item/dc:creator");
            Assert.NotEmpty(item.Elements("category"));
            Assert.Null(item.Element("author")); // RSS author must be an e-mail address; we use dc:creator
            AssertHtmlLinksAbsolute(item.Element(Content + "encoded")!.Value);
            AssertHtmlLinksAbsolute(item.Element("description")!.Value);
        }
        Assert.Equal(guids.Count, guids.Distinct().Count());

        using var reader = XmlReader.Create(new StringReader(xml));
        var read = SyndicationFeed.Load(reader);
        Assert.Equal(guids, read.Items.Select(i => i.Id).ToList());
        return guids;
    }

    /// <summary>Asserts the Atom document is valid and returns its entries' ids in order.</summary>
    public static List<string> ValidAtom(string xml, string expectedSelf)
    {
        var doc = XDocument.Parse(xml);
        var feed = doc.Root!;
        Assert.Equal(Atom + "feed", feed.Name);
        Assert.Matches("^(urn:uuid:|tag:)", feed.Element(Atom + "id")!.Value);
        Assert.False(string.IsNullOrWhiteSpace(feed.Element(Atom + "title")?.Value));
        Assert.Matches(Rfc3339(), feed.Element(Atom + "updated")!.Value);
        Assert.NotNull(feed.Element(Atom + "author")?.Element(Atom + "name"));
        var links = feed.Elements(Atom + "link").ToList();
        Assert.Equal(expectedSelf, (string?)links.Single(l => (string?)l.Attribute("rel") == "self").Attribute("href"));
        AssertAbsolute((string)links.Single(l => (string?)l.Attribute("rel") == "alternate").Attribute("href")!);

        var ids = new List<string>();
        foreach (var entry in feed.Elements(Atom + "entry"))
        {
            var id = entry.Element(Atom + "id")!.Value;
            Assert.Matches("^(urn:uuid:|tag:)", id);
            ids.Add(id);
            Assert.False(string.IsNullOrWhiteSpace(entry.Element(Atom + "title")?.Value));
            Assert.Matches(Rfc3339(), entry.Element(Atom + "updated")!.Value);
            Assert.Matches(Rfc3339(), entry.Element(Atom + "published")!.Value);
            Assert.True(DateTimeOffset.Parse(entry.Element(Atom + "updated")!.Value, CultureInfo.InvariantCulture)
                >= DateTimeOffset.Parse(entry.Element(Atom + "published")!.Value, CultureInfo.InvariantCulture), "updated before published");
            Assert.NotNull(entry.Element(Atom + "author")?.Element(Atom + "name"));
            AssertAbsolute((string)entry.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "alternate").Attribute("href")!);
            Assert.NotEmpty(entry.Elements(Atom + "category"));
            var content = entry.Element(Atom + "content")!;
            Assert.Equal("html", (string?)content.Attribute("type"));
            AssertHtmlLinksAbsolute(content.Value);
        }
        Assert.Equal(ids.Count, ids.Distinct().Count());

        using var reader = XmlReader.Create(new StringReader(xml));
        var read = SyndicationFeed.Load(reader);
        Assert.Equal(ids, read.Items.Select(i => i.Id).ToList());
        return ids;
    }

    private static void AssertAbsolute(string url) =>
        Assert.True(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https", $"not an absolute URL: {url}");

    private static void AssertHtmlLinksAbsolute(string html)
    {
        foreach (Match m in HtmlUrl().Matches(html)) AssertAbsolute(m.Groups[2].Value);
    }
}
