using System.Text;
using FeedService.Aggregation;
using FeedService.Categories;
using Xunit;

namespace FeedService.Tests.Aggregation.Sources;

public sealed class OpmlTests
{
    private static List<OpmlOutline> Read(string xml) => Opml.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml)));

    [Fact]
    public void Nested_folders_and_category_attributes_become_categories()
    {
        var outlines = Read("""
            <?xml version="1.0"?>
            <opml version="2.0"><head><title>subs</title></head><body>
              <outline text="Tech &amp; Science">
                <outline type="rss" text="A" xmlUrl="https://a.example/feed" htmlUrl="https://a.example/"/>
                <outline text="Deeper"><outline type="rss" text="B" xmlUrl="https://b.example/rss"/></outline>
              </outline>
              <outline type="rss" text="C" xmlUrl="https://c.example/atom" category="/News/World,/Économie"/>
              <outline type="rss" text="No URL"/>
              <outline type="rss" text="Top" xmlUrl="https://d.example/feed"/>
            </body></opml>
            """);
        Assert.Equal(5, outlines.Count);
        Assert.Equal([("tech-science", "Tech & Science")], outlines[0].Categories);
        Assert.Equal([("deeper", "Deeper")], outlines[1].Categories);
        Assert.Equal([("world", "World"), ("economie", "Économie")], outlines[2].Categories);
        Assert.Null(outlines[3].Url);
        Assert.Empty(outlines[4].Categories);
    }

    [Fact]
    public void Export_imports_back_to_the_same_set()
    {
        var sources = new List<Source>
        {
            new() { Id = 1, Url = "https://a.example/feed", Title = "A & co", SiteLink = "https://a.example/", Categories = ["tech", "life"] },
            new() { Id = 2, Url = "https://b.example/rss", Categories = ["tech"] },
            new() { Id = 3, Url = "https://c.example/atom", Categories = [] },
        };
        var names = new Dictionary<string, string> { ["tech"] = "Tech & Science", ["life"] = "Life" };
        var bytes = Opml.Write("FeedService sources", DateTimeOffset.UnixEpoch, sources, names);
        var back = Opml.Read(new MemoryStream(bytes))
            .GroupBy(o => o.Url)
            .ToDictionary(g => g.Key!, g => g.First().Categories.Select(c => c.Slug).Order().ToList());
        Assert.Equal(3, back.Count);
        Assert.Equal(["life", "tech"], back["https://a.example/feed"]);
        Assert.Equal(["tech"], back["https://b.example/rss"]);
        Assert.Empty(back["https://c.example/atom"]);
        Assert.Contains("version=\"2.0\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void A_doctype_is_not_expanded()
    {
        var outlines = Read("""
            <?xml version="1.0"?>
            <!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <opml version="2.0"><body><outline type="rss" text="x" xmlUrl="https://x.example/feed"/></body></opml>
            """);
        Assert.Single(outlines);
    }

    [Fact]
    public void Not_opml_is_refused()
    {
        Assert.Throws<FormatException>(() => Read("<rss version=\"2.0\"><channel/></rss>"));
        Assert.ThrowsAny<System.Xml.XmlException>(() => Read("<opml><body><outline"));
    }

    [Theory]
    [InlineData("Health & Care", "health-care")]
    [InlineData("Économie", "economie")]
    [InlineData("  --News--  ", "news")]
    [InlineData("???", null)]
    [InlineData("all", null)]
    public void Slugs_from_names(string name, string? slug) => Assert.Equal(slug, SlugText.From(name));
}
