using System.Globalization;
using FeedService.Aggregation.Fetching;
using FeedService.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace FeedService.Tests.Aggregation.Fetching;

/// <summary>One request at a time per host name; different host names in parallel.</summary>
public sealed class HostTurnTests() : FetchTestBase(o => o.TimeoutSeconds = 2)
{

    [Fact]
    public async Task Two_fetches_to_one_host_take_turns()
    {
        Server.Map("/a", SlowFeed(TimeSpan.FromMilliseconds(300)));
        Server.Map("/b", SlowFeed(TimeSpan.FromMilliseconds(300)));

        var results = await Task.WhenAll(FetchAsync("/a"), FetchAsync("/b"));

        Assert.All(results, r => Assert.Equal(FetchOutcome.Ok, r.Outcome));
        Assert.Equal(2, Server.Requests.Count);
        Assert.Equal(1, Server.MaxConcurrentRequests);
    }

    [Fact]
    public async Task Waiting_for_the_hosts_turn_does_not_count_against_the_time_limit()
    {
        // Three fetches of 0.8 s each, queued on one host: 2.4 s in all, yet each fits its own 2 s limit.
        Server.Map("/feed", SlowFeed(TimeSpan.FromMilliseconds(800)));

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => FetchAsync("/feed")));

        Assert.All(results, r => Assert.Equal(FetchOutcome.Ok, r.Outcome));
        Assert.Equal(1, Server.MaxConcurrentRequests);
    }

    [Fact]
    public async Task Different_host_names_are_fetched_in_parallel()
    {
        // 127.0.0.1 and localhost are different hosts to the fetcher, though the same server: each request waits
        // (bounded) until the other one has arrived, which only happens if they run side by side.
        Server.Map("/feed", async context =>
        {
            for (var i = 0; i < 60 && Server.RequestsTo("/feed").Count < 2; i++) await Task.Delay(25, context.RequestAborted);
            await LocalFeedServer.WriteAsync(context, 200, "<rss/>"u8.ToArray(), "application/rss+xml");
        });
        var viaName = new Uri(string.Format(CultureInfo.InvariantCulture, "http://localhost:{0}/feed", Server.Port));

        var results = await Task.WhenAll(FetchAsync("/feed"), Fetcher.FetchAsync(viaName));

        Assert.All(results, r => Assert.Equal(FetchOutcome.Ok, r.Outcome));
        Assert.Equal(2, Server.MaxConcurrentRequests);
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
        Server.Map("/feed", counting);
        other.Map("/feed", counting);

        var results = await Task.WhenAll(FetchAsync("/feed"), Fetcher.FetchAsync(other.Url("/feed")));

        Assert.All(results, r => Assert.Equal(FetchOutcome.Ok, r.Outcome));
        Assert.Equal(1, maxInFlight);
    }

    [Fact]
    public async Task A_fetch_cancelled_while_waiting_for_its_turn_throws_and_sends_nothing()
    {
        // The first request holds the host until the test lets it go (or 5 s pass).
        var release = new TaskCompletionSource();
        Server.Map("/feed", async context =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(5), context.RequestAborted);
            await LocalFeedServer.WriteAsync(context, 200, "<rss/>"u8.ToArray(), "application/rss+xml");
        });
        var first = FetchAsync("/feed");
        await WaitUntilAsync(() => Server.Requests.Count == 1);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FetchAsync("/feed", ct: cts.Token));

        release.SetResult();
        Assert.Equal(FetchOutcome.Ok, (await first).Outcome);
        Assert.Single(Server.Requests);
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
