using System.Text;
using FeedService.Aggregation.Parsing;
using Xunit;

namespace FeedService.Tests.Aggregation.Parsing;

/// <summary>Test shorthand: parse a fixture given as text or bytes and insist that it was read as a feed.</summary>
internal static class Parse
{
    public static readonly Uri DocumentUrl = new("https://example.com/blog/feed.xml");

    public static ParsedFeed Feed(string document, string? contentType = null) => Feed(Encoding.UTF8.GetBytes(document), contentType);

    public static ParsedFeed Feed(byte[] body, string? contentType = null)
    {
        var result = FeedParser.Parse(body, contentType, DocumentUrl);
        Assert.True(result.Feed is not null, $"not read: {result.Error}");
        Assert.Null(result.Error);
        return result.Feed;
    }

    public static ParsedItem SingleItem(string document, string? contentType = null) => Assert.Single(Feed(document, contentType).Items);

    public static string Error(string document, string? contentType = null) => Error(Encoding.UTF8.GetBytes(document), contentType);

    public static string Error(byte[] body, string? contentType = null)
    {
        var result = FeedParser.Parse(body, contentType, DocumentUrl);
        Assert.Null(result.Feed);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        return result.Error!;
    }

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    /// <summary>An RSS 2.0 document around the given item elements.</summary>
    public static string Rss(string items, string channelExtras = "") => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
          <channel>
            <title>Channel</title>
            <link>https://example.com/blog/</link>
            <description>About things</description>
            {channelExtras}
            {items}
          </channel>
        </rss>
        """;

    /// <summary>An Atom 1.0 document around the given entry elements.</summary>
    public static string Atom(string entries, string feedExtras = "") => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <title>Feed</title>
          <id>urn:example:feed</id>
          <updated>2024-01-02T03:04:05Z</updated>
          {feedExtras}
          {entries}
        </feed>
        """;
}
