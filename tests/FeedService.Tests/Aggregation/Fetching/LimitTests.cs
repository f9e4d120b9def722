using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FeedService.Aggregation.Fetching;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Aggregation.Fetching;

/// <summary>Time and size limits. Every slow handler here gives up by itself after 30 s at most, and on abort.</summary>
public sealed class LimitTests() : FetchTestBase(o =>
{
    o.TimeoutSeconds = 1;
    o.ConnectTimeoutSeconds = 1;
    o.MaxBodyBytes = Cap;
})
{
    private const int Cap = 64 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_server_that_never_answers_times_out_within_the_bound()
    {
        Server.Map("/hang", context => Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));

        var (result, elapsed) = await TimedFetchAsync("/hang");

        Assert.Equal(FetchOutcome.Timeout, result.Outcome);
        Assert.Contains("1 s", result.Error, StringComparison.Ordinal);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), Bound);
    }

    [Fact]
    public async Task A_body_dripping_slowly_times_out_although_headers_came_at_once()
    {
        Server.Map("/drip", async context =>
        {
            context.Response.ContentType = "application/rss+xml";
            await context.Response.StartAsync(context.RequestAborted);
            // Each byte arrives well within any per-read timeout; only a limit over the whole body stops this.
            for (var i = 0; i < 150 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync("x"u8.ToArray(), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(TimeSpan.FromMilliseconds(200), context.RequestAborted);
            }
        });

        var (result, elapsed) = await TimedFetchAsync("/drip");

        Assert.Equal(FetchOutcome.Timeout, result.Outcome);
        Assert.Null(result.Body);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), Bound);
    }

    [Fact]
    public async Task The_time_limit_covers_all_redirect_hops_together()
    {
        // Each hop alone fits in a 3 s limit with a second to spare (a loaded CI machine needs the margin);
        // the two together do not.
        await using var fetcher = new TestFetcher(o => o.TimeoutSeconds = 3);
        Server.Map("/slow-redirect", async context =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(2000), context.RequestAborted);
            await LocalFeedServer.WriteAsync(context, 302, null, null, ("Location", "/slow-feed"));
        });
        Server.Map("/slow-feed", async context =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(2000), context.RequestAborted);
            await LocalFeedServer.WriteAsync(context, 200, "<rss/>"u8.ToArray(), "application/rss+xml");
        });

        var started = Stopwatch.GetTimestamp();
        var result = await fetcher.FetchAsync(Server.Url("/slow-redirect"));
        var elapsed = Stopwatch.GetElapsedTime(started);

        Assert.Equal(FetchOutcome.Timeout, result.Outcome);
        Assert.Equal(Server.Url("/slow-feed"), result.FinalUrl);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task A_connection_that_is_never_accepted_hits_the_connect_timeout()
    {
        await using var fetcher = new TestFetcher(o =>
        {
            o.ConnectTimeoutSeconds = 1;
            o.TimeoutSeconds = 30;
        });
        using var blackHole = BlackHoleListener.Create();

        var started = Stopwatch.GetTimestamp();
        var result = await fetcher.FetchAsync(new Uri($"http://127.0.0.1:{blackHole.Port}/feed"));
        var elapsed = Stopwatch.GetElapsedTime(started);

        Assert.Equal(FetchOutcome.Timeout, result.Outcome);
        Assert.Contains("connecting", result.Error, StringComparison.Ordinal);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), Bound);
    }

    [Theory]
    [InlineData(Cap, false, FetchOutcome.Ok)]
    [InlineData(Cap, true, FetchOutcome.Ok)]
    [InlineData(Cap + 1, false, FetchOutcome.TooLarge)]
    [InlineData(Cap + 1, true, FetchOutcome.TooLarge)]
    public async Task A_body_may_be_exactly_the_cap_and_not_a_byte_more(int length, bool chunked, FetchOutcome expected)
    {
        var body = new byte[length];
        Server.Map("/sized", async context =>
        {
            if (!chunked) context.Response.ContentLength = length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        });

        var result = await FetchAsync("/sized");

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(expected == FetchOutcome.Ok ? length : null, result.Body?.Length);
    }

    [Fact]
    public async Task A_declared_length_over_the_cap_is_refused_before_reading_the_body()
    {
        // Headers promise 10 MB, then nothing comes: only the declared length can end this before the time limit.
        Server.Map("/huge", async context =>
        {
            context.Response.ContentLength = 10 * 1024 * 1024;
            await context.Response.Body.FlushAsync(context.RequestAborted); // sends the headers
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        });

        var (result, elapsed) = await TimedFetchAsync("/huge");

        Assert.Equal(FetchOutcome.TooLarge, result.Outcome);
        Assert.Contains($"{Cap} bytes", result.Error, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(0.9), $"took {elapsed}");
    }

    [Fact]
    public async Task An_endless_chunked_body_is_cut_off_at_the_cap()
    {
        Server.Map("/endless", async context =>
        {
            var chunk = new byte[4096];
            var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
            while (!context.RequestAborted.IsCancellationRequested && Stopwatch.GetTimestamp() < until)
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
        });

        var (result, elapsed) = await TimedFetchAsync("/endless");

        Assert.Equal(FetchOutcome.TooLarge, result.Outcome);
        Assert.Null(result.Body);
        Assert.True(elapsed < TimeSpan.FromSeconds(0.9), $"took {elapsed}");
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task The_cap_counts_decompressed_bytes(string encoding)
    {
        // 1 MB of zeros packs into about a kilobyte: small on the wire, sixteen times the cap once unpacked.
        var bomb = ConditionalGetTests.Compress(new byte[1024 * 1024], encoding);
        Assert.True(bomb.Length < Cap);
        Server.MapResponse("/bomb", 200, bomb, "application/rss+xml", ("Content-Encoding", encoding));

        var result = await FetchAsync("/bomb");

        Assert.Equal(FetchOutcome.TooLarge, result.Outcome);
    }

    private async Task<(FetchResult Result, TimeSpan Elapsed)> TimedFetchAsync(string path)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await FetchAsync(path);
        return (result, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// A listening socket whose accept queue is full and never drained: the kernel (Linux) drops further SYNs, so a
    /// connect neither succeeds nor fails, which is what an unreachable host looks like.
    /// </summary>
    private sealed class BlackHoleListener : IDisposable
    {
        private readonly Socket _listener;
        private readonly List<Socket> _fillers = [];

        private BlackHoleListener(Socket listener) => _listener = listener;

        public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

        public static BlackHoleListener Create()
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(0);
            var hole = new BlackHoleListener(listener);
            // Fill the queue: connect until one connect hangs (bounded: 8 tries of 300 ms).
            for (var i = 0; i < 8; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                hole._fillers.Add(filler);
                if (!filler.ConnectAsync(listener.LocalEndPoint!).Wait(TimeSpan.FromMilliseconds(300))) return hole;
            }
            throw new InvalidOperationException("the accept queue never filled up; this platform answers instead of dropping");
        }

        public void Dispose()
        {
            foreach (var filler in _fillers) filler.Dispose();
            _listener.Dispose();
        }
    }
}
