using System.Text;
using Xunit;

namespace FeedService.Tests.Aggregation.Parsing;

/// <summary>Real-world flaws: each is read through, keeping every item that can be read and reporting the rest.</summary>
public sealed class FlawTests
{
    [Fact]
    public void Html_named_entities_are_decoded_instead_of_failing_the_document()
    {
        var feed = Parse.Feed(Parse.Rss("""
            <item><title>Caf&eacute;&nbsp;&mdash; na&iuml;ve &hellip; &copy;&trade; &rsquo;quoted&lsquo;</title>
            <description>&lt;p&gt;Entities&amp;nbsp;stay escaped in markup&lt;/p&gt;</description></item>
            """));
        var item = Assert.Single(feed.Items);
        Assert.Equal("Café\u00A0— naïve … ©™ ’quoted‘", item.Title);
        Assert.Equal("<p>Entities&nbsp;stay escaped in markup</p>", item.Summary);
    }

    [Fact]
    public void Unknown_entities_and_bare_ampersands_stay_as_text()
    {
        var item = Parse.SingleItem(Parse.Rss("<item><title>Fish & Chips &bogus; ?a=1&copy=2 &amp; more</title></item>"));
        Assert.Equal("Fish & Chips &bogus; ?a=1&copy=2 & more", item.Title);
    }

    [Fact]
    public void A_doctype_is_ignored()
    {
        var feed = Parse.Feed("""
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
            <rss version="0.91"><channel><title>Netscape&nbsp;style</title><link>http://example.com/</link><description>d</description>
              <item><title>One</title><link>http://example.com/1</link></item>
            </channel></rss>
            """);
        Assert.Equal("rss0.91", feed.Format);
        Assert.Equal("Netscape\u00A0style", feed.Title);
        Assert.Equal("One", Assert.Single(feed.Items).Title);
    }

    [Fact]
    public void Control_characters_xml_forbids_are_removed_and_reported()
    {
        var feed = Parse.Feed(Parse.Rss("<item><title>ab\u0008cd\u0001</title><description>x&#1;y&#x0B;z</description></item>"));
        var item = Assert.Single(feed.Items);
        Assert.Equal("abcd", item.Title);
        Assert.Equal("xyz", item.Summary);
        Assert.Contains(feed.Problems, p => p.Contains("character(s) that XML does not allow", StringComparison.Ordinal));
    }

    [Fact]
    public void Windows_1252_numeric_references_read_as_browsers_read_them()
    {
        var item = Parse.SingleItem(Parse.Rss("<item><title>It&#146;s &#8220;quoted&#8221;</title></item>"));
        Assert.Equal("It’s “quoted”", item.Title);
    }

    [Fact]
    public void Bad_urls_are_dropped_and_reported_relative_ones_resolved()
    {
        var feed = Parse.Feed(Parse.Rss("""
            <item><title>bad host</title><link>http://exa mple.com/[x]</link><enclosure url="http://bad host/a.mp3" type="audio/mpeg" length="1"/></item>
            <item><title>script</title><link>javascript:alert(1)</link></item>
            <item><title>relative</title><link> posts/3 </link><enclosure url="//cdn.example.com/3.mp3" length="3"/></item>
            <item><title>space</title><link>https://example.com/a b</link></item>
            """));
        Assert.Equal(4, feed.Items.Count);
        Assert.Null(feed.Items[0].Link);
        Assert.Empty(feed.Items[0].Enclosures);
        Assert.Null(feed.Items[1].Link);
        Assert.Equal("https://example.com/blog/posts/3", feed.Items[2].Link);
        Assert.Equal("https://cdn.example.com/3.mp3", Assert.Single(feed.Items[2].Enclosures).Url);
        Assert.Equal("https://example.com/a%20b", feed.Items[3].Link);
        Assert.Contains("item 1: bad link 'http://exa mple.com/[x]' dropped", feed.Problems);
        Assert.Contains("item 1: bad enclosure URL 'http://bad host/a.mp3' dropped", feed.Problems);
        Assert.Contains("item 2: bad link 'javascript:alert(1)' dropped", feed.Problems);
        Assert.Equal(Parse.DocumentUrl.AbsoluteUri, feed.Items[0].BaseUrl);
    }

    [Fact]
    public void Non_numeric_enclosure_lengths_become_unknown_and_are_reported()
    {
        var feed = Parse.Feed(Parse.Rss("""
            <item><title>a</title><enclosure url="https://example.com/a.mp3" length="abc" type="audio/mpeg"/></item>
            <item><title>b</title><enclosure url="https://example.com/b.mp3" length=" 2048 " type="audio/mpeg"/></item>
            <item><title>c</title><enclosure url="https://example.com/c.mp3" length="" type="audio/mpeg"/></item>
            """));
        Assert.Equal([null, 2048L, null], feed.Items.Select(i => Assert.Single(i.Enclosures).Length));
        Assert.Equal("https://example.com/a.mp3", feed.Items[0].Enclosures[0].Url);
        Assert.Contains("item 1: enclosure length 'abc' is not a number", feed.Problems);
    }

    [Fact]
    public void Malformed_xml_is_read_leniently_item_by_item()
    {
        var feed = Parse.Feed("""
            <rss version="2.0"><channel><title>Broken</title>
              <item><title>One</title><link>http://example.com/1</link></item>
              <item><title>Two <b>bold</title><link>http://example.com/2</link></item>
              <item><title>Three</title><link>http://example.com/3</link><description>unclosed <p>para</description></item>
              <item><title>Four</title><link>http://example.com/4</link></item>
            </channel></rss>
            """);
        Assert.Equal(["http://example.com/1", "http://example.com/2", "http://example.com/3", "http://example.com/4"], feed.Items.Select(i => i.Link));
        Assert.Equal("One", feed.Items[0].Title);
        Assert.Equal("Four", feed.Items[3].Title);
        Assert.Contains(feed.Problems, p => p.StartsWith("not well-formed XML", StringComparison.Ordinal));
    }

    [Fact]
    public void A_truncated_document_keeps_the_items_before_the_cut()
    {
        var feed = Parse.Feed("""
            <rss version="2.0"><channel><title>Cut</title>
              <item><title>One</title><guid>1</guid></item>
              <item><title>Two</title><guid>2</guid></item>
              <item><title>Thr
            """);
        Assert.Equal(["One", "Two", "Thr"], feed.Items.Select(i => i.Title));
        Assert.Contains(feed.Problems, p => p.StartsWith("not well-formed XML", StringComparison.Ordinal));
    }

    [Fact]
    public void Undeclared_namespace_prefixes_are_read_with_their_usual_meaning()
    {
        var item = Parse.SingleItem("""
            <rss version="2.0"><channel><title>t</title>
              <item><title>x</title><dc:creator>Ann</dc:creator><content:encoded><![CDATA[<p>full</p>]]></content:encoded></item>
            </channel></rss>
            """);
        Assert.Equal(["Ann"], item.Authors);
        Assert.Equal("<p>full</p>", item.Content);
    }

    [Fact]
    public void Naked_markup_is_kept_as_markup()
    {
        var item = Parse.SingleItem(Parse.Rss("<item><title>t</title><description><p>Hello <b>world</b><br/></p></description></item>"));
        Assert.Equal("<p>Hello <b>world</b><br></p>", item.Summary);
    }

    [Fact]
    public void Leading_whitespace_a_bom_and_comments_before_the_root_are_fine()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("\n\n  <?xml version=\"1.0\"?>\n<!-- hi --><rss version=\"2.0\"><channel><title>t</title></channel></rss>")).ToArray();
        Assert.Equal("t", Parse.Feed(bytes).Title);
    }

    [Fact]
    public void An_item_with_an_unreadable_field_keeps_its_other_fields()
    {
        var feed = Parse.Feed(Parse.Rss("""
            <item><title>Keep me</title><link>http://[bad</link><pubDate>31 Feb 2020</pubDate><guid>g</guid><enclosure url="" length="x"/></item>
            """, "<ttl>soon</ttl>"));
        var item = Assert.Single(feed.Items);
        Assert.Equal(("Keep me", "g"), (item.Title, item.Id));
        Assert.Null(item.Link);
        Assert.Null(item.Published);
        Assert.Null(feed.Ttl);
        Assert.Contains("ttl 'soon' is not a number of minutes", feed.Problems);
        Assert.Contains("item 1: unparseable date '31 Feb 2020'", feed.Problems);
    }

    [Fact]
    public void Xml_base_decides_relative_links_and_the_item_base_url()
    {
        var feed = Parse.Feed("""
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://example.org/root/">
              <title>t</title>
              <entry xml:base="entries/"><id>1</id><title>a</title><link href="one.html"/>
                <content type="html" xml:base="http://other.example/x/">&lt;a href="rel.html"&gt;r&lt;/a&gt;</content></entry>
              <entry><id>2</id><title>b</title><link href="/two.html"/><content type="html">&lt;img src="i.png"&gt;</content></entry>
            </feed>
            """);
        Assert.Equal("http://example.org/root/entries/one.html", feed.Items[0].Link);
        Assert.Equal("http://example.org/root/entries/", feed.Items[0].BaseUrl);
        Assert.Equal("<a href=\"http://other.example/x/rel.html\">r</a>", feed.Items[0].Content); // its own base differs: resolved here
        Assert.Equal("http://example.org/two.html", feed.Items[1].Link);
        Assert.Equal("http://example.org/root/", feed.Items[1].BaseUrl);
        Assert.Equal("<img src=\"i.png\">", feed.Items[1].Content); // left for the consumer to resolve against BaseUrl
    }

    [Fact]
    public void Without_xml_base_the_item_link_then_the_document_url_is_the_base()
    {
        var feed = Parse.Feed(Parse.Rss("<item><title>a</title><link>https://posts.example.com/a/</link></item><item><title>b</title></item>"));
        Assert.Equal("https://posts.example.com/a/", feed.Items[0].BaseUrl);
        Assert.Equal(Parse.DocumentUrl.AbsoluteUri, feed.Items[1].BaseUrl);
    }

    [Fact]
    public void A_permalink_guid_stands_in_for_a_missing_link()
    {
        var feed = Parse.Feed(Parse.Rss("""
            <item><title>a</title><guid>https://example.com/p/1</guid></item>
            <item><title>b</title><guid isPermaLink="false">https://example.com/p/2</guid></item>
            <item><title>c</title><guid>not-a-url</guid></item>
            """));
        Assert.Equal(["https://example.com/p/1", null, null], feed.Items.Select(i => i.Link));
    }

    [Fact]
    public void Atom_text_constructs_become_html()
    {
        var feed = Parse.Feed(Parse.Atom("""
            <entry><id>1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A <b>bold</b> &amp; title</div></title>
              <summary type="text">Tom &amp; Jerry &lt;3</summary>
              <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Para <a href="/x">link</a></p></div></content></entry>
            <entry><id>2</id><title>No type</title><content type="html"><![CDATA[<p>cdata html</p>]]></content></entry>
            <entry><id>3</id><title>Out of line</title><content src="https://example.com/3" type="text/html"/></entry>
            """));
        Assert.Equal("A <b>bold</b> &amp; title", feed.Items[0].Title);
        Assert.Equal("Tom &amp; Jerry &lt;3", feed.Items[0].Summary);
        Assert.Equal("<p>Para <a href=\"/x\">link</a></p>", feed.Items[0].Content);
        Assert.Equal("<p>cdata html</p>", feed.Items[1].Content);
        Assert.Null(feed.Items[2].Content);
    }

    [Fact]
    public void Atom_link_is_the_alternate_or_a_link_without_rel()
    {
        var feed = Parse.Feed(Parse.Atom("""
            <entry><id>1</id><title>a</title><link rel="self" href="https://example.com/self"/><link href="https://example.com/no-rel"/></entry>
            <entry><id>2</id><title>b</title><link rel="related" href="https://example.com/rel"/><link rel="alternate" href="https://example.com/alt"/></entry>
            <entry><id>3</id><title>c</title><link rel="edit" href="https://example.com/edit"/></entry>
            """));
        Assert.Equal(["https://example.com/no-rel", "https://example.com/alt", null], feed.Items.Select(i => i.Link));
    }

    [Fact]
    public void A_json_item_that_is_not_an_object_is_skipped_and_reported()
    {
        var feed = Parse.Feed("""{"version": "https://jsonfeed.org/version/1.1", "items": [ "oops", {"id": "2", "title": "ok", "date_published": "soon"} ]}""");
        Assert.Equal("ok", Assert.Single(feed.Items).Title);
        Assert.Contains("item 1: skipped: not a JSON object", feed.Problems);
        Assert.Contains("item 2: unparseable date 'soon'", feed.Problems);
    }

    [Fact]
    public void A_truncated_json_feed_keeps_the_complete_items()
    {
        var feed = Parse.Feed("""{"version": "https://jsonfeed.org/version/1", "title": "T", "items": [ {"id": "1", "title": "one"}, {"id": "2", "title": "tw""");
        Assert.Equal("T", feed.Title);
        Assert.Equal("one", Assert.Single(feed.Items).Title);
        Assert.Contains(feed.Problems, p => p.StartsWith("JSON is not well-formed", StringComparison.Ordinal));
    }

    [Fact]
    public void Tag_soup_with_odd_names_and_unquoted_attributes_is_still_read()
    {
        var feed = Parse.Feed("""
            <rss version=2.0><channel><title>Soup</title>
              <item><title>One</title><link>http://example.com/1</link><: x="1">odd</:><enclosure url=http://example.com/1.mp3 length=10></item>
              <item><title>Two</title><link>http://example.com/2</link></itemz>
            </channel>
            """);
        Assert.Equal(["One", "Two"], feed.Items.Select(i => i.Title));
        Assert.Equal("http://example.com/1.mp3", Assert.Single(feed.Items[0].Enclosures).Url);
    }
}
