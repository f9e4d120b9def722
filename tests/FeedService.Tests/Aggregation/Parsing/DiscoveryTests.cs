using System.Text;
using FeedService.Aggregation.Parsing;
using Xunit;

namespace FeedService.Tests.Aggregation.Parsing;

public sealed class DiscoveryTests
{
    private static readonly Uri Page = new("https://example.com/blog/post.html");

    private static List<string> Find(string html, Uri? page = null) =>
        FeedDiscovery.FindFeedLinks(Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8", page ?? Page).Select(u => u.AbsoluteUri).ToList();

    [Fact]
    public void Alternate_links_of_feed_types_are_found_in_document_order_and_resolved()
    {
        var links = Find("""
            <!doctype html><html><head>
              <link rel="stylesheet" href="/style.css">
              <link rel="alternate" type="application/atom+xml" href="/atom.xml" title="Atom">
              <link rel="alternate" type="text/html" href="/other.html">
              <LINK REL="Alternate" TYPE="application/RSS+XML" HREF="feed.rss">
              <link rel="alternate" type="application/feed+json" href="https://cdn.example.com/feed.json">
              <link rel="alternate" type="application/json" href="/feed.json">
              <link rel="alternate home" type="application/rss+xml; charset=utf-8" href="/again.rss">
              <link rel="alternate" type="application/rss+xml" href="/atom.xml">
              <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
              <link rel="alternate" type="application/rss+xml">
            </head><body><link rel="alternate" type="application/rss+xml" href="/in-body.rss"></body></html>
            """);
        Assert.Equal([
            "https://example.com/atom.xml",
            "https://example.com/blog/feed.rss",
            "https://cdn.example.com/feed.json",
            "https://example.com/feed.json",
            "https://example.com/again.rss",
            "https://example.com/in-body.rss",
        ], links);
    }

    [Fact]
    public void Base_href_decides_relative_feed_links()
    {
        var links = Find("""<html><head><base href="/sub/dir/"><link rel="alternate" type="application/rss+xml" href="rss.xml"></head></html>""");
        Assert.Equal(["https://example.com/sub/dir/rss.xml"], links);
    }

    [Fact]
    public void A_page_without_feeds_or_broken_html_gives_nothing()
    {
        Assert.Empty(Find("<html><head><title>x</title></head><body><p>no feeds"));
        Assert.Empty(FeedDiscovery.FindFeedLinks([], null, Page));
        Assert.Empty(Find("<<<>>> not html at all &&&"));
    }

    [Fact]
    public void The_meta_charset_decides_how_the_page_is_read()
    {
        var html = Encoding.GetEncoding("ISO-8859-1").GetBytes("""<html><head><meta charset="iso-8859-1"><link rel="alternate" type="application/rss+xml" href="/café.rss"></head></html>""");
        var link = Assert.Single(FeedDiscovery.FindFeedLinks(html, "text/html", Page));
        Assert.Equal("https://example.com/caf%C3%A9.rss", link.AbsoluteUri);
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><body>hi</body></html>", null, true)]
    [InlineData("\n  <html lang=\"en\">", "application/octet-stream", true)]
    [InlineData("<!-- comment --><head><title>t</title></head>", null, true)]
    [InlineData("<?xml version=\"1.0\"?><rss version=\"2.0\"></rss>", "text/html", false)]
    [InlineData("<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>", "text/html; charset=utf-8", false)]
    [InlineData("{\"version\": \"https://jsonfeed.org/version/1.1\"}", "text/html", false)]
    [InlineData("<rdf:RDF></rdf:RDF>", null, false)]
    [InlineData("plain text", "text/html", true)]
    [InlineData("plain text", "text/plain", false)]
    public void Looks_like_html_trusts_the_body_before_the_content_type(string body, string? contentType, bool expected)
    {
        Assert.Equal(expected, FeedDiscovery.LooksLikeHtml(Encoding.UTF8.GetBytes(body), contentType));
    }
}
