using System.Globalization;
using FeedService.Aggregation.Fetching;
using FeedService.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace FeedService.Tests.Aggregation.Fetching;

/// <summary>One request at a time per host name; different host names in parallel.</summary>
public sealed class HostTurnTests : IAsyncLifetime
{
    private LocalFeedServer _server = null!;
    private readonly TestFetcher _fetcher = new(o => o.TimeoutSeconds = 2);

    public async Task InitializeAsync() => _server = await LocalFeedServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _fetcher.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Two_fetches_to_one_host_take_turns()
    {
        _server.Map("/a", SlowFeed(TimeSpan.FromMilliseconds(300)));
        _server.Map("/b", SlowFeed(TimeSpan.FromMilliseconds(300)));

        var results = await Task.WhenAll(_fetcher.FetchAsync(_server.Url("/a")), _fetcher.FetchAsync(_server.Url("/b")));

        Assert.All(results, r => Assert.Equal(FetchOutcome.Ok, r.Outcome));
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(1, _server.MaxConcurrentRequests);
    }

    [Fact]
    public async Task Waiting_for_the_hosts_turn_does_not_count_against_the_time_limit()
    {
        // Three fetches of 0.8 s each, queued on one host: 2.4 s in all, yet each fits its own 2 s limit.
        _server.Map("/feed", SlowFeed(TimeSpan.FromMilliseconds(800)));

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _fetcher.FetchAsync(_server.Url("/feed"))));

        Assert.All(results, r => Assert.Equal(FetchOutcome.Ok, r.Outcome));
        Assert.Equal(1, _server.MaxConcurrentRequests);
    }

    [Fact]
    public async Task Different_host_names_are_fetched_in_parallel()
    {
        // 127.0.0.1 and localhost are different hosts to the fetcher, though the same server: each request waits
        // (bounded) until the other one has arrived, which only happens if they run side by side.
        _server.Map("/feed", async context =>
        {
            for (var i = 0; i < 60 && _server.RequestsTo("/feed").Count < 2; i++) await Task.Delay(25, context.RequestAborted);
            await LocalFeedServer.WriteAsync(context, 200, "<rss/>"u8.ToArray(), "application/rss+xml");
        });
        var viaName = new Uri(string.Format(CultureInfo.InvariantCulture, "http://localhost:{0}/feed", _server.Port));

        var results = await Task.WhenAll(_fetcher.FetchAsync(_server.Url("/feed")), _fetcher.FetchAsync(viaName));

        Assert.All(results, r => Assert.Equal(FetchOutcome.Ok, r.Outcome));
        Assert.Equal(2, _server.MaxConcurrentRequests);
    }

    [Fact]
    public async Task Different_ports_of_one_host_still_take_turns()
    {
        // The gate is per host name, not host:port: two servers on 127.0.0.1 are one host to be polite to.
        await using var other = await LocalFeedServer.StartAsync();
        var count = new Lock();
        var inFlight = 0;
        var maxInFlight = 0;
        RequestDelegate counting = async context =>
        {
            lock (count) maxInFlight = Math.Max(maxInFlight, ++inFlight);
            try
            {
                await Task.Delay(300, context.RequestAborted);
            }
            finally
            {
                lock (count) inFlight--;
            }
            await LocalFeedServer.WriteAsync(context, 200, "<rss/>"u8.ToArray(), "application/rss+xml");
        };
        _server.Map("/feed", counting);
        other.Map("/feed", counting);

        var results = await Task.WhenAll(_fetcher.FetchAsync(_server.Url("/feed")), _fetcher.FetchAsync(other.Url("/feed")));

        Assert.All(results, r => Assert.Equal(FetchOutcome.Ok, r.Outcome));
        Assert.Equal(1, maxInFlight);
    }

    [Fact]
    public async Task A_fetch_cancelled_while_waiting_for_its_turn_throws_and_sends_nothing()
    {
        // The first request holds the host until the test lets it go (or 5 s pass).
        var release = new TaskCompletionSource();
        _server.Map("/feed", async context =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(5), context.RequestAborted);
            await LocalFeedServer.WriteAsync(context, 200, "<rss/>"u8.ToArray(), "application/rss+xml");
        });
        var first = _fetcher.FetchAsync(_server.Url("/feed"));
        await WaitUntilAsync(() => _server.Requests.Count == 1);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _fetcher.FetchAsync(_server.Url("/feed"), ct: cts.Token));

        release.SetResult();
        Assert.Equal(FetchOutcome.Ok, (await first).Outcome);
        Assert.Single(_server.Requests);
    }

    private static RequestDelegate SlowFeed(TimeSpan delay) => async context =>
    {
        await Task.Delay(delay, context.RequestAborted);
        await LocalFeedServer.WriteAsync(context, 200, "<rss/>"u8.ToArray(), "application/rss+xml");
    };

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 250 && !condition(); i++) await Task.Delay(20);
        Assert.True(condition(), "condition not met within 5 s");
    }
}
