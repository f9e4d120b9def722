using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FeedService.Tests.Aggregation.Sources;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Reliability;

/// <summary>
/// Fetch-level faults end to end: the real app polls, in one round, a healthy source beside sources that drip one byte a
/// second, never end their body, redirect in a loop, reset the connection, present a certificate nobody trusts, or
/// have a name that does not resolve. Each hostile one ends with its error recorded on the source (what GET
/// /api/sources/{id} shows) within the fetch time limit, and the healthy one gets its items in the same round.
/// (The fetcher's own limits have unit tests in Aggregation/Fetching; this checks that the polling job records them.)
/// </summary>
public sealed class HostileSourcesTests : IAsyncLifetime
{
    private const int TimeoutSeconds = 2;
    private FeedServiceApp _app = null!;
    private LocalFeedServer _server = null!;
    private LocalFeedServer _tls = null!;
    private TcpListener _reset = null!;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(120));

    public async Task InitializeAsync()
    {
        _server = await LocalFeedServer.StartAsync();
        _tls = await LocalFeedServer.StartAsync(https: true);
        _reset = new TcpListener(IPAddress.Loopback, 0);
        _reset.Start();
        _ = ResetEveryConnectionAsync();
        _app = new FeedServiceApp(settings: new Dictionary<string, string>
        {
            ["FeedService:Aggregation:TimeoutSeconds"] = TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FeedService:Aggregation:ConnectTimeoutSeconds"] = "2",
            ["FeedService:Aggregation:MaxBodyBytes"] = (10 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _reset.Stop();
        await _app.DisposeAsync();
        await _server.DisposeAsync();
        await _tls.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>Accepts each connection, reads a little of the request and closes it with a TCP reset.</summary>
    private async Task ResetEveryConnectionAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var socket = await _reset.AcceptSocketAsync(_stop.Token);
                await socket.ReceiveAsync(new byte[256], SocketFlags.None, _stop.Token);
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The test is over.
        }
    }

    private void MapHostileServers()
    {
        _server.MapFeed("/healthy.xml", PollingTests.Rss("Healthy", ("h1", "Healthy item one", "<p>one</p>", "Mon, 02 Nov 2026 09:00:00 GMT"),
            ("h2", "Healthy item two", "<p>two</p>", "Tue, 03 Nov 2026 09:00:00 GMT")));
        _tls.MapFeed("/feed.xml", PollingTests.Rss("Behind a bad certificate", ("t1", "Never read", "<p>x</p>", "Mon, 02 Nov 2026 09:00:00 GMT")));
        // One byte a second, for at most 60 s (far beyond the time limit).
        _server.Map("/drip.xml", async context =>
        {
            context.Response.ContentType = "application/rss+xml";
            await context.Response.StartAsync(context.RequestAborted);
            var body = Encoding.UTF8.GetBytes(PollingTests.Rss("Drip", ("d1", "Drip", "<p>x</p>", "Mon, 02 Nov 2026 09:00:00 GMT")));
            for (var i = 0; i < Math.Min(60, body.Length) && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(body.AsMemory(i, 1), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(TimeSpan.FromSeconds(1), context.RequestAborted);
            }
        });
        // A body that never ends: a feed that opens and then repeats items, chunked, until the client goes (at most 60 s).
        _server.Map("/endless.xml", async context =>
        {
            context.Response.ContentType = "application/rss+xml";
            await context.Response.Body.WriteAsync("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Endless</title>"u8.ToArray(), context.RequestAborted);
            var item = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<item><title>again</title><description>and again</description></item>", 200)));
            var until = Stopwatch.StartNew();
            while (!context.RequestAborted.IsCancellationRequested && until.Elapsed < TimeSpan.FromSeconds(60))
                await context.Response.Body.WriteAsync(item, context.RequestAborted);
        });
        _server.MapRedirect("/loop-a.xml", 302, "/loop-b.xml");
        _server.MapRedirect("/loop-b.xml", 302, "/loop-a.xml");
    }

    [Fact]
    public async Task Each_fault_is_recorded_on_its_source_within_the_time_limit_and_the_healthy_source_gets_its_items()
    {
        MapHostileServers();
        var hostile = new Dictionary<string, string>
        {
            ["drip"] = _server.Url("/drip.xml").AbsoluteUri,
            ["endless"] = _server.Url("/endless.xml").AbsoluteUri,
            ["redirect-loop"] = _server.Url("/loop-a.xml").AbsoluteUri,
            ["reset"] = $"http://127.0.0.1:{((IPEndPoint)_reset.LocalEndpoint).Port}/feed.xml",
            ["invalid-tls"] = _tls.Url("/feed.xml").AbsoluteUri,
            ["dns-failure"] = "http://feeds.nowhere.invalid/feed.xml",
        };
        var healthy = _server.Url("/healthy.xml").AbsoluteUri;
        var outlines = string.Concat(hostile.Values.Append(healthy).Select(u => $"<outline type=\"rss\" text=\"s\" xmlUrl=\"{WebUtility.HtmlEncode(u)}\"/>"));
        var opml = $"<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>t</title></head><body><outline text=\"News\" category=\"news\">{outlines}</outline></body></opml>";

        var started = Stopwatch.StartNew();
        var import = await _app.Writer().PostAsync("/api/sources/import", new StringContent(opml, Encoding.UTF8, "text/x-opml"));
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        var ids = (await import.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("added").EnumerateArray()
            .ToDictionary(a => a.GetProperty("url").GetString()!, a => a.GetProperty("id").GetInt64());
        Assert.Equal(7, ids.Count);

        // One round: every source is polled by the job the import triggered. All of them share the host 127.0.0.1 except
        // the DNS one, and take turns on it, so the round is bounded by one time limit per source (plus slack for CI).
        var bound = TimeSpan.FromSeconds(TimeoutSeconds * 7 + 15);
        var client = _app.CreateClient();
        var sources = new Dictionary<string, JsonElement>();
        while (sources.Count < ids.Count && started.Elapsed < bound)
        {
            foreach (var (url, id) in ids.Where(i => !sources.ContainsKey(i.Key)))
            {
                var source = await client.GetFromJsonAsync<JsonElement>($"/api/sources/{id}");
                if (source.GetProperty("lastFetchedAt").ValueKind != JsonValueKind.Null) sources[url] = source;
            }
            await Task.Delay(100);
        }
        Assert.True(sources.Count == ids.Count, $"after {started.Elapsed}, only {sources.Count} of {ids.Count} sources were polled");

        var report = new StringBuilder();
        foreach (var (name, url) in hostile)
        {
            var source = sources[new Uri(url).AbsoluteUri];
            var outcome = source.GetProperty("lastOutcome").GetString();
            var error = source.GetProperty("lastError").GetString();
            report.AppendLine(CultureInfo.InvariantCulture, $"{name}: {outcome}: {error}");
            Assert.False(string.IsNullOrWhiteSpace(error), $"{name} recorded no error (outcome {outcome})");
            Assert.NotEqual("Ok", outcome);
            Assert.Equal(1, source.GetProperty("consecutiveFailures").GetInt32());
            Assert.Equal(0, source.GetProperty("itemsAdded").GetInt32());
            Assert.True(source.GetProperty("enabled").GetBoolean(), $"{name} was disabled after one failure");
        }
        var good = sources[healthy];
        Assert.Equal("Ok", good.GetProperty("lastOutcome").GetString());
        Assert.Equal(2, good.GetProperty("itemsAdded").GetInt32());
        Assert.Equal(JsonValueKind.Null, good.GetProperty("lastError").ValueKind);
        await _app.WaitForFeedAsync("news.rss", x => x.Contains("Healthy item one", StringComparison.Ordinal) && x.Contains("Healthy item two", StringComparison.Ordinal));

        // Each error names its cause.
        Assert.Contains("Timeout", report.ToString().Split('\n').Single(l => l.StartsWith("drip:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("redirect loop", report.ToString(), StringComparison.Ordinal);
        Assert.True(started.Elapsed < bound, report.ToString());
    }
}
