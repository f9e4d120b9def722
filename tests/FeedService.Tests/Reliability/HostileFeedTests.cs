using System.Text;
using FeedService.Aggregation.Parsing;
using Xunit;

namespace FeedService.Tests.Reliability;

/// <summary>
/// Shapes found by the fuzzer (tests/reliability/hostile-feeds.sh) that once took seconds to minutes: an element with
/// a huge number of attributes (each one added to the tree checked all the others). Hang guards only, generous.
/// </summary>
public sealed class HostileFeedTests
{
    private static readonly Uri Url = new("https://feeds.example.test/feed.xml");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_element_with_200000_attributes_is_read_without_hanging(bool wellFormed)
    {
        var attributes = string.Concat(Enumerable.Range(0, 200_000).Select(k => $" a{k}=\"1\""));
        var xml = $"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item><title{attributes}>Kept</title><link>https://x.example/1</link></item>"
            + (wellFormed ? "</channel></rss>" : "<item><title>unclosed</channel>");
        var parse = Task.Run(() => FeedParser.Parse(Encoding.UTF8.GetBytes(xml), "application/rss+xml", Url));
        Assert.Same(parse, await Task.WhenAny(parse, Task.Delay(TimeSpan.FromSeconds(30))));
        var feed = (await parse).Feed;
        Assert.NotNull(feed);
        Assert.Equal("Kept", feed.Items[0].Title);
    }
}
