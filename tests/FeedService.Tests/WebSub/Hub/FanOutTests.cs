using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.WebSub.Hub;

/// <summary>One change to many subscribers: bounded concurrency per change, and other feeds' deliveries not held behind it.</summary>
public sealed class FanOutTests
{
    private const int Subscribers = 40;
    private const int PerChange = 4;
    private static readonly TimeSpan SlowAnswer = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task A_large_fan_out_is_bounded_and_does_not_hold_back_another_feed()
    {
        await using var app = new FeedServiceApp(settings: new Dictionary<string, string>
        {
            ["FeedService:WebSub:DeliveryConcurrency"] = PerChange.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FeedService:WebSub:MaxConcurrentDeliveries"] = "6",
            ["FeedService:WebSub:RateLimit:PermitLimit"] = "1000",
        });
        await using var subscriber = await TestSubscriber.StartAsync();
        await HubClient.CategoryReadyAsync(app, "big");
        await HubClient.CategoryReadyAsync(app, "small");

        var paths = Enumerable.Range(1, Subscribers).Select(i => $"/cb/big/{i}").ToList();
        foreach (var path in paths) subscriber.Accept(path, delay: SlowAnswer);
        subscriber.Accept("/cb/small");
        await Task.WhenAll(paths.Select(p => HubClient.SubscribeActiveAsync(app, HubClient.Topic("big.atom"), subscriber.Callback(p))));
        await HubClient.SubscribeActiveAsync(app, HubClient.Topic("small.atom"), subscriber.Callback("/cb/small"));

        // The storm takes at least Subscribers / PerChange × SlowAnswer = 2.5 s; the small feed's post goes in at its start.
        var big = await app.CreatePostAsync(new { title = "Storm", content = "<p>x</p>", categories = new[] { "big" } });
        await subscriber.WaitForDeliveryAsync(d => d.Path.StartsWith("/cb/big/", StringComparison.Ordinal) && d.Text.Contains(big.Guid, StringComparison.Ordinal));
        var small = await app.CreatePostAsync(new { title = "Meanwhile", content = "<p>y</p>", categories = new[] { "small" } });
        var smallDelivery = await subscriber.WaitForDeliveryAsync("/cb/small", d => d.Text.Contains(small.Guid, StringComparison.Ordinal));

        var storm = new List<ReceivedDelivery>();
        foreach (var path in paths) storm.Add(await subscriber.WaitForDeliveryAsync(path, d => d.Text.Contains(big.Guid, StringComparison.Ordinal)));
        var stormEnded = storm.Max(d => d.EndedAt);

        Assert.True(smallDelivery.EndedAt < stormEnded, "the small feed's delivery waited for the whole storm");
        Assert.InRange(MaxOverlap(storm), 2, PerChange);
        Assert.All(paths, p => Assert.Single(subscriber.DeliveriesTo(p)));
    }

    /// <summary>The most deliveries that were being handled at the same moment.</summary>
    private static int MaxOverlap(IEnumerable<ReceivedDelivery> deliveries)
    {
        var events = deliveries.SelectMany(d => new[] { (At: d.StartedAt, Delta: 1), (At: d.EndedAt, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta);
        int current = 0, max = 0;
        foreach (var (_, delta) in events) max = Math.Max(max, current += delta);
        return max;
    }
}
