using System.Diagnostics;
using System.Globalization;
using System.Text;
using FeedService.Aggregation.Parsing;
using Xunit;
using Xunit.Abstractions;

namespace FeedService.Tests.Aggregation.Parsing;

/// <summary>Size and shape do not make the parser slow or crash it.</summary>
public sealed class RobustnessTests(ITestOutputHelper output)
{
    private static byte[] RssWithItems(int count)
    {
        var items = new StringBuilder();
        for (var k = 1; k <= count; k++)
        {
            items.Append(CultureInfo.InvariantCulture, $"""
                <item><title>Post {k} &amp; more</title><link>https://example.com/posts/{k}</link><guid>https://example.com/posts/{k}</guid>
                <pubDate>Mon, 0{1 + k % 9} Jan 2024 10:00:00 +0000</pubDate><dc:creator>Author {k}</dc:creator><category>c{k % 5}</category>
                <description>Summary of post {k}</description>
                <content:encoded><![CDATA[{string.Concat(Enumerable.Repeat($"<p>Paragraph of post {k} with <a href=\"/x\">a link</a>.</p>", 20))}]]></content:encoded>
                <enclosure url="https://cdn.example.com/{k}.mp3" length="{k * 1000}" type="audio/mpeg"/></item>
                """);
        }
        return Encoding.UTF8.GetBytes(Parse.Rss(items.ToString()));
    }

    [Fact]
    public void A_50_item_feed_with_full_content_parses_every_item_repeatedly()
    {
        var body = RssWithItems(50);
        Assert.Equal(50, Parse.Feed(body).Items.Count); // warm-up
        var clock = Stopwatch.StartNew();
        const int Runs = 20;
        for (var k = 0; k < Runs; k++) Assert.Equal(50, Parse.Feed(body).Items.Count);
        output.WriteLine($"50-item RSS ({body.Length:N0} bytes): {clock.Elapsed.TotalMilliseconds / Runs:F2} ms per parse");
    }

    [Fact]
    public void Parsing_work_grows_linearly_with_the_number_of_items()
    {
        // Allocation, not time: it does not depend on what else the machine is doing (no timed unit tests here;
        // speed lives in tests/bench). Ten times the items may cost about ten times the bytes, not a hundred.
        Parse.Feed(RssWithItems(200));
        var small = Allocated(RssWithItems(500));
        var large = Allocated(RssWithItems(5000));
        output.WriteLine($"500 items: {small:N0} bytes allocated, 5000 items: {large:N0} bytes");
        Assert.True(large < small * 20, $"500 items allocated {small:N0} bytes, 5000 allocated {large:N0}: not linear");
    }

    [Fact]
    public void Broken_feeds_with_many_bad_items_keep_them_all_and_cap_the_problem_list()
    {
        var items = string.Concat(Enumerable.Range(1, 1000).Select(k => $"<item><title>{k}</title><pubDate>bad {k}</pubDate></item>"));
        var feed = Parse.Feed(Parse.Rss(items));
        Assert.Equal(1000, feed.Items.Count);
        Assert.True(feed.Problems.Count <= 201);
        Assert.EndsWith("more problems", feed.Problems[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_markup_does_not_exhaust_the_stack()
    {
        var nested = string.Concat(Enumerable.Repeat("<b>", 50_000));
        foreach (var document in new[]
        {
            Parse.Rss($"<item><title>deep</title><description>{nested}x</description></item>"),           // malformed: lenient reader
            Parse.Rss($"<item><title>deep</title><description>{nested}x{nested.Replace("<", "</", StringComparison.Ordinal)}</description></item>"), // well-formed
        })
        {
            var result = FeedParser.Parse(Encoding.UTF8.GetBytes(document), null, Parse.DocumentUrl);
            Assert.True(result.Feed is not null || result.Error is not null);
        }
    }

    private static long Allocated(byte[] body)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Parse.Feed(body);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
