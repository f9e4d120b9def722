using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit;

namespace FeedService.Tests.Aggregation.Parsing;

/// <summary>No DTD is ever processed: external entities are not fetched and entity bombs do not expand.</summary>
public sealed class SecurityTests
{
    [Fact]
    public void An_external_entity_is_not_resolved()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "TOP-SECRET-CONTENT");
        try
        {
            var document = $"""
                <?xml version="1.0"?>
                <!DOCTYPE rss [<!ENTITY e SYSTEM "file://{secret}"><!ENTITY passwd SYSTEM "file:///etc/passwd">]>
                <rss version="2.0"><channel><title>x&e;</title><item><title>&passwd;</title><description>&e;</description></item></channel></rss>
                """;
            var result = Parse.Feed(document);
            var everything = string.Join("\n", new[] { result.Title, result.Items[0].Title, result.Items[0].Summary }.Concat(result.Problems));
            Assert.DoesNotContain("TOP-SECRET-CONTENT", everything, StringComparison.Ordinal);
            Assert.DoesNotContain("root:", everything, StringComparison.Ordinal);
            Assert.Equal("x&e;", result.Title); // the undeclared reference is kept as text
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void A_parameter_entity_pointing_outside_is_not_fetched()
    {
        var result = Parse.Feed("""
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd"> %remote;]>
            <rss version="2.0"><channel><title>safe</title></channel></rss>
            """);
        Assert.Equal("safe", result.Title);
    }

    [Fact]
    public void A_billion_laughs_document_is_read_without_expansion_quickly_and_in_little_memory()
    {
        var entities = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (var k = 1; k <= 9; k++) entities.Append(CultureInfo.InvariantCulture, $"<!ENTITY lol{k} \"{string.Concat(Enumerable.Repeat($"&lol{k - 1};", 10))}\">");
        var body = Encoding.UTF8.GetBytes($"""
            <?xml version="1.0"?>
            <!DOCTYPE rss [{entities}]>
            <rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;&lol9;</title></item></channel></rss>
            """);
        FeedService.Aggregation.Parsing.FeedParser.Parse(body, null, Parse.DocumentUrl); // warm up: JIT allocations are not the parser's

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var result = FeedService.Aggregation.Parsing.FeedParser.Parse(body, null, Parse.DocumentUrl);
        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated:N0} bytes");
        // Read, not refused: the undeclared-looking entities stay unexpanded and the channel is still there.
        Assert.True(result.Feed is not null, $"refused: {result.Error}");
        Assert.True((result.Feed.Title?.Length ?? 0) < 100, "entities were expanded");
    }
}
