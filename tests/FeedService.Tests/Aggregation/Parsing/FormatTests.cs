using FeedService.Aggregation.Parsing;
using Xunit;

namespace FeedService.Tests.Aggregation.Parsing;

/// <summary>Every supported format is recognised and its items read.</summary>
public sealed class FormatTests
{
    [Theory]
    [InlineData("0.91", FeedFormats.Rss091)]
    [InlineData("0.92", FeedFormats.Rss092)]
    [InlineData("0.93", FeedFormats.Rss093)]
    [InlineData("0.94", FeedFormats.Rss094)]
    [InlineData("2.0", FeedFormats.Rss20)]
    [InlineData("2.01", FeedFormats.Rss20)]
    public void Rss_versions_with_an_rss_root_are_recognised_and_read(string version, string format)
    {
        var feed = Parse.Feed($"""
            <rss version="{version}"><channel><title>Old &amp; new</title><link>http://example.com/</link><description>d</description>
              <item><title>First</title><link>http://example.com/1</link><description>One &lt;b&gt;bold&lt;/b&gt;</description></item>
              <item><title>Second</title><link>http://example.com/2</link></item>
            </channel></rss>
            """);
        Assert.Equal(format, feed.Format);
        Assert.Equal("Old & new", feed.Title);
        Assert.Equal("http://example.com/", feed.Link);
        Assert.Equal(["First", "Second"], feed.Items.Select(i => i.Title));
        Assert.Equal("http://example.com/1", feed.Items[0].Link);
        Assert.Equal("One <b>bold</b>", feed.Items[0].Summary);
    }

    [Fact]
    public void Rss_without_a_version_attribute_is_read_as_rss_2()
    {
        var feed = Parse.Feed("<rss><channel><title>t</title><item><title>a</title><guid>g1</guid></item></channel></rss>");
        Assert.Equal(FeedFormats.Rss20, feed.Format);
        Assert.Equal("g1", Assert.Single(feed.Items).Id);
    }

    [Fact]
    public void Rss_090_is_rdf_with_the_netscape_namespace()
    {
        var feed = Parse.Feed("""
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
              <channel><title>Mozilla Dot Org</title><link>http://www.mozilla.org</link><description>d</description></channel>
              <item><title>New Status Updates</title><link>http://www.mozilla.org/status/</link></item>
              <item><title>Bugzilla Reorganized</title><link>http://www.mozilla.org/bugs/</link></item>
            </rdf:RDF>
            """);
        Assert.Equal(FeedFormats.Rss090, feed.Format);
        Assert.Equal("Mozilla Dot Org", feed.Title);
        Assert.Equal(["http://www.mozilla.org/status/", "http://www.mozilla.org/bugs/"], feed.Items.Select(i => i.Link));
    }

    [Fact]
    public void Rss_10_reads_rdf_items_with_dublin_core()
    {
        var feed = Parse.Feed("""
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
              <channel rdf:about="http://example.org/rss"><title>RDF feed</title><link>http://example.org/</link><description>d</description>
                <items><rdf:Seq><rdf:li resource="http://example.org/1"/></rdf:Seq></items>
              </channel>
              <item rdf:about="http://example.org/1">
                <title>Item one</title><link>http://example.org/1</link><description>Summary</description>
                <dc:creator>Ann</dc:creator><dc:date>2004-05-06T07:08:09+02:00</dc:date><dc:subject>news</dc:subject>
                <content:encoded><![CDATA[<p>Full</p>]]></content:encoded>
              </item>
            </rdf:RDF>
            """);
        Assert.Equal(FeedFormats.Rss10, feed.Format);
        var item = Assert.Single(feed.Items);
        Assert.Equal("Item one", item.Title);
        Assert.Equal("http://example.org/1", item.Link);
        Assert.Equal(Parse.Utc(2004, 5, 6, 5, 8, 9), item.Published);
        Assert.Equal(["Ann"], item.Authors);
        Assert.Equal(["news"], item.Categories);
        Assert.Equal("Summary", item.Summary);
        Assert.Equal("<p>Full</p>", item.Content);
    }

    [Fact]
    public void Rss_20_reads_every_item_field()
    {
        var item = Parse.SingleItem(Parse.Rss("""
            <item>
              <title>Hello</title><link>https://example.com/blog/hello</link>
              <guid isPermaLink="false">urn:post:1</guid>
              <pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>
              <atom:updated>2003-06-11T00:00:00Z</atom:updated>
              <author>ann@example.com (Ann)</author><dc:creator>Bob</dc:creator>
              <category>a</category><category>b</category>
              <description>Short &amp; sweet</description>
              <content:encoded><![CDATA[<p>Long <em>text</em></p>]]></content:encoded>
              <enclosure url="/media/ep1.mp3" length="12345" type="audio/mpeg"/>
            </item>
            """));
        Assert.Equal("urn:post:1", item.Id);
        Assert.Equal("Hello", item.Title);
        Assert.Equal("https://example.com/blog/hello", item.Link);
        Assert.Equal(Parse.Utc(2003, 6, 10, 4), item.Published);
        Assert.Equal(Parse.Utc(2003, 6, 11), item.Updated);
        Assert.Equal(["ann@example.com (Ann)", "Bob"], item.Authors);
        Assert.Equal(["a", "b"], item.Categories);
        Assert.Equal("Short & sweet", item.Summary);
        Assert.Equal("<p>Long <em>text</em></p>", item.Content);
        Assert.Equal([new ParsedEnclosure("https://example.com/media/ep1.mp3", "audio/mpeg", 12345)], item.Enclosures);
        Assert.Equal("https://example.com/blog/hello", item.BaseUrl);
    }

    [Fact]
    public void Rss_20_feed_level_ttl_hub_and_self()
    {
        var feed = Parse.Feed(Parse.Rss("<item><title>x</title></item>", """
            <ttl>60</ttl>
            <atom:link rel="hub" href="https://hub.example.com/"/>
            <atom:link rel="self" type="application/rss+xml" href="https://example.com/blog/feed.xml"/>
            """));
        Assert.Equal("Channel", feed.Title);
        Assert.Equal("https://example.com/blog/", feed.Link);
        Assert.Equal("About things", feed.Description);
        Assert.Equal(TimeSpan.FromMinutes(60), feed.Ttl);
        Assert.Equal("https://hub.example.com/", feed.HubUrl);
        Assert.Equal("https://example.com/blog/feed.xml", feed.SelfUrl);
        Assert.Empty(feed.Problems);
    }

    [Fact]
    public void Atom_10_reads_every_entry_field()
    {
        var feed = Parse.Feed(Parse.Atom("""
            <entry>
              <id>tag:example.com,2024:1</id>
              <title type="text">Fish &amp; chips</title>
              <link rel="edit" href="https://example.com/edit/1"/>
              <link rel="alternate" type="text/html" href="/posts/1"/>
              <link rel="enclosure" type="audio/mpeg" length="99" href="https://cdn.example.com/1.mp3"/>
              <published>2024-01-02T03:04:05+01:00</published>
              <updated>2024-01-03T00:00:00Z</updated>
              <author><name>Ann</name><email>ann@example.com</email></author>
              <author><name>Bob</name></author>
              <category term="tech" label="Technology"/>
              <summary type="text">1 &lt; 2</summary>
              <content type="html">&lt;p&gt;Hello&lt;/p&gt;</content>
            </entry>
            """, """<link rel="alternate" href="https://example.com/"/><link rel="self" href="https://example.com/atom"/><link rel="hub" href="https://hub.example.com/"/><subtitle>Sub</subtitle>"""));
        Assert.Equal(FeedFormats.Atom10, feed.Format);
        Assert.Equal("Feed", feed.Title);
        Assert.Equal("https://example.com/", feed.Link);
        Assert.Equal("Sub", feed.Description);
        Assert.Equal("https://example.com/atom", feed.SelfUrl);
        Assert.Equal("https://hub.example.com/", feed.HubUrl);
        var entry = Assert.Single(feed.Items);
        Assert.Equal("tag:example.com,2024:1", entry.Id);
        Assert.Equal("Fish & chips", entry.Title);
        Assert.Equal("https://example.com/posts/1", entry.Link);
        Assert.Equal(Parse.Utc(2024, 1, 2, 2, 4, 5), entry.Published);
        Assert.Equal(Parse.Utc(2024, 1, 3), entry.Updated);
        Assert.Equal(["Ann", "Bob"], entry.Authors);
        Assert.Equal(["tech"], entry.Categories);
        Assert.Equal("1 &lt; 2", entry.Summary);
        Assert.Equal("<p>Hello</p>", entry.Content);
        Assert.Equal([new ParsedEnclosure("https://cdn.example.com/1.mp3", "audio/mpeg", 99)], entry.Enclosures);
    }

    [Fact]
    public void Atom_03_uses_issued_modified_tagline_and_content_modes()
    {
        var feed = Parse.Feed("""
            <feed version="0.3" xmlns="http://purl.org/atom/ns#">
              <title>Old Atom</title><tagline>Tag line</tagline><link rel="alternate" type="text/html" href="http://example.org/"/>
              <entry>
                <title>Entry</title><id>tag:example.org,2003:1</id>
                <link rel="alternate" type="text/html" href="http://example.org/2003/12/13/atom03"/>
                <issued>2003-12-13T08:29:29-04:00</issued><modified>2003-12-13T18:30:02Z</modified>
                <author><name>Mark</name></author>
                <summary>Some text.</summary>
                <content type="text/html" mode="escaped">&lt;p&gt;Escaped&lt;/p&gt;</content>
              </entry>
              <entry>
                <title>Base64</title>
                <content type="text/html" mode="base64">PHA+SGk8L3A+</content>
              </entry>
            </feed>
            """);
        Assert.Equal(FeedFormats.Atom03, feed.Format);
        Assert.Equal("Tag line", feed.Description);
        Assert.Equal("http://example.org/", feed.Link);
        var entry = feed.Items[0];
        Assert.Equal("http://example.org/2003/12/13/atom03", entry.Link);
        Assert.Equal(Parse.Utc(2003, 12, 13, 12, 29, 29), entry.Published);
        Assert.Equal(Parse.Utc(2003, 12, 13, 18, 30, 2), entry.Updated);
        Assert.Equal(["Mark"], entry.Authors);
        Assert.Equal("<p>Escaped</p>", entry.Content);
        Assert.Equal("<p>Hi</p>", feed.Items[1].Content);
    }

    [Theory]
    [InlineData("https://jsonfeed.org/version/1", FeedFormats.Json10)]
    [InlineData("https://jsonfeed.org/version/1.1", FeedFormats.Json11)]
    public void Json_feed_versions_are_recognised_and_read(string version, string format)
    {
        var feed = Parse.Feed($$"""
            {
              "version": "{{version}}", "title": "JSON", "home_page_url": "https://example.org/", "feed_url": "https://example.org/feed.json",
              "description": "d", "hubs": [{"type": "WebSub", "url": "https://hub.example.org/"}],
              "items": [
                {"id": 1, "url": "/one", "title": "One", "content_html": "<p>1</p>", "summary": "s",
                 "date_published": "2020-01-02T03:04:05Z", "date_modified": "2020-01-03T00:00:00-01:00",
                 "author": {"name": "Old Style"}, "authors": [{"name": "Ann"}], "tags": ["x", "y"],
                 "attachments": [{"url": "https://example.org/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 42}]},
                {"id": "two", "external_url": "https://elsewhere.example/2", "content_text": "a < b"}
              ]
            }
            """);
        Assert.Equal(format, feed.Format);
        Assert.Equal("JSON", feed.Title);
        Assert.Equal("https://example.org/", feed.Link);
        Assert.Equal("https://example.org/feed.json", feed.SelfUrl);
        Assert.Equal("https://hub.example.org/", feed.HubUrl);
        var (one, two) = (feed.Items[0], feed.Items[1]);
        Assert.Equal("1", one.Id);
        Assert.Equal("https://example.com/one", one.Link);
        Assert.Equal("<p>1</p>", one.Content);
        Assert.Equal("s", one.Summary);
        Assert.Equal(Parse.Utc(2020, 1, 2, 3, 4, 5), one.Published);
        Assert.Equal(Parse.Utc(2020, 1, 3, 1), one.Updated);
        Assert.Equal(["Ann"], one.Authors);
        Assert.Equal(["x", "y"], one.Categories);
        Assert.Equal([new ParsedEnclosure("https://example.org/a.mp3", "audio/mpeg", 42)], one.Enclosures);
        Assert.Equal("two", two.Id);
        Assert.Equal("https://elsewhere.example/2", two.Link);
        Assert.Equal("a &lt; b", two.Content);
    }

    [Fact]
    public void Entries_and_json_items_without_authors_inherit_them()
    {
        var atom = Parse.Feed(Parse.Atom("""
            <entry><id>1</id><title>own</title><author><name>Own</name></author></entry>
            <entry><id>2</id><title>source</title><source><author><name>Source Author</name></author></source></entry>
            <entry><id>3</id><title>feed</title></entry>
            """, "<author><name>Feed Author</name></author>"));
        Assert.Equal([["Own"], ["Source Author"], ["Feed Author"]], atom.Items.Select(i => i.Authors));

        var json = Parse.Feed("""{"version": "https://jsonfeed.org/version/1.1", "authors": [{"name": "Feed Author"}], "items": [{"id": "1"}, {"id": "2", "authors": [{"name": "Own"}]}]}""");
        Assert.Equal([["Feed Author"], ["Own"]], json.Items.Select(i => i.Authors));
    }
}
