using System.Text.Json;
using FeedService.Aggregation;
using FeedService.Tests.Aggregation.Parsing.Corpus;
using FeedService.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace FeedService.Tests.Aggregation.Sources;

public sealed class InspectCommandTests(ITestOutputHelper output)
{
    private static async Task<(int Code, string Out, string Err)> InspectAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await InspectCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Prints_the_normalized_feed_as_json()
    {
        var file = Path.Combine(Path.GetTempPath(), $"inspect-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(file, """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T&amp;T</title><link>https://t.example/</link><description>d</description>
            <item><guid>g-1</guid><title>One</title><link>https://t.example/1</link><pubDate>Mon, 02 Nov 2026 09:00 EST</pubDate>
            <dc:creator>Ann</dc:creator><category>a</category><description>&lt;p&gt;See &lt;a href="/x"&gt;x&lt;/a&gt;&lt;/p&gt;&lt;script&gt;bad()&lt;/script&gt;</description></item>
            </channel></rss>
            """);
        try
        {
            var (code, json, err) = await InspectAsync(file);
            Assert.True(code == 0, err);
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            Assert.Equal("rss2.0", root.GetProperty("format").GetString());
            Assert.Equal("T&T", root.GetProperty("title").GetString());
            var item = root.GetProperty("items")[0];
            Assert.Equal("g-1", item.GetProperty("id").GetString());
            Assert.Equal("One", item.GetProperty("title").GetString());
            Assert.Equal("https://t.example/1", item.GetProperty("link").GetString());
            Assert.Equal(new DateTimeOffset(2026, 11, 2, 14, 0, 0, TimeSpan.Zero), item.GetProperty("published").GetDateTimeOffset());
            Assert.Equal("Ann", item.GetProperty("authors")[0].GetString());
            Assert.Equal("a", item.GetProperty("categories")[0].GetString());
            Assert.Contains("https://t.example/x", item.GetProperty("content").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("bad()", item.GetProperty("content").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Reads_a_url_through_the_fetcher()
    {
        await using var server = await LocalFeedServer.StartAsync();
        server.MapText("/feed", """<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2026-01-01T00:00:00Z</updated><entry><id>urn:e</id><title>E</title><updated>2026-01-01T00:00:00Z</updated></entry></feed>""", "application/atom+xml");
        // The setting is passed as the service takes it (a process-wide environment variable would reach other tests).
        var (code, json, err) = await InspectAsync("--FeedService:Aggregation:AllowPrivateNetworks=true", server.Url("/feed").AbsoluteUri);
        Assert.True(code == 0, err);
        Assert.Equal("atom1.0", JsonDocument.Parse(json).RootElement.GetProperty("format").GetString());

        // Without it, the loopback address is refused like any private one.
        (code, _, err) = await InspectAsync(server.Url("/feed").AbsoluteUri);
        Assert.Equal(1, code);
        Assert.Contains("refused", err, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Fails_with_a_one_line_reason()
    {
        var (code, _, err) = await InspectAsync("/no/such/file.xml");
        Assert.NotEqual(0, code);
        Assert.Single(err.Trim().Split('\n'));
        var notAFeed = Path.GetTempFileName();
        await File.WriteAllTextAsync(notAFeed, "just text");
        (code, _, err) = await InspectAsync(notAFeed);
        File.Delete(notAFeed);
        Assert.NotEqual(0, code);
        Assert.Contains("not a readable feed", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Equal(2, (await InspectAsync()).Code);
    }

    /// <summary>Every file of the public corpus either inspects to JSON (exit 0) or fails with a one-line reason; nothing crashes.</summary>
    [CorpusFact]
    public async Task Works_on_every_file_of_the_corpus()
    {
        var root = GofeedCorpus.Locate();
        int read = 0, refused = 0;
        foreach (var feed in GofeedCorpus.Load(root!))
        {
            var (code, json, err) = await InspectAsync(feed.FullPath);
            if (code == 0)
            {
                using var doc = JsonDocument.Parse(json);
                Assert.True(doc.RootElement.TryGetProperty("items", out _), feed.RelativePath);
                read++;
            }
            else
            {
                Assert.Equal(1, code);
                Assert.Single(err.Trim().Split('\n'));
                refused++;
                output.WriteLine($"refused {feed.RelativePath}: {err.Trim()}");
            }
        }
        output.WriteLine($"inspect: {read} read, {refused} refused with a reason");
        // The corpus holds 552 feed files; the few refused are deliberately not feeds (empty, invalid JSON, <note>).
        Assert.True(read >= 540 && refused <= 10, $"{read} corpus files read, {refused} refused");
    }
}
