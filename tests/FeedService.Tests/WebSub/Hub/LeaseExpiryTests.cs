using FeedService.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace FeedService.Tests.WebSub.Hub;

public sealed class LeaseExpiryTests
{
    [Fact]
    public async Task An_expired_lease_gets_no_delivery_and_is_removed_by_the_cleanup()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new FeedServiceApp(clock: clock);
        await using var subscriber = await TestSubscriber.StartAsync();
        await HubClient.CategoryReadyAsync(app, "brief");
        subscriber.Accept("/cb/brief");
        subscriber.Accept("/cb/long");
        var topic = HubClient.Topic("brief.atom");
        var brief = await HubClient.SubscribeActiveAsync(app, topic, subscriber.Callback("/cb/brief"), leaseSeconds: "120");
        await HubClient.SubscribeActiveAsync(app, topic, subscriber.Callback("/cb/long"), leaseSeconds: "86400");
        Assert.Equal(clock.GetUtcNow().AddSeconds(120), brief.ExpiresAt);

        var during = await app.CreatePostAsync(new { title = "During", content = "<p>x</p>", categories = new[] { "brief" } });
        await subscriber.WaitForDeliveryAsync("/cb/brief", d => d.Text.Contains(during.Guid, StringComparison.Ordinal));

        // Past the lease: the next document goes to the long lease only, and the cleanup (every minute on the clock) removes the expired one.
        clock.Advance(TimeSpan.FromSeconds(121));
        var after = await app.CreatePostAsync(new { title = "After", content = "<p>y</p>", categories = new[] { "brief" } });
        await subscriber.WaitForDeliveryAsync("/cb/long", d => d.Text.Contains(after.Guid, StringComparison.Ordinal));
        clock.Advance(TimeSpan.FromMinutes(1));
        await HubClient.WaitForSubscriptionAsync(app, topic, subscriber.Callback("/cb/brief"), s => s is null);
        Assert.Equal("active", (await HubClient.SubscriptionsAsync(app)).Single(s => s.Callback == subscriber.Callback("/cb/long")).State);
        Assert.DoesNotContain(subscriber.DeliveriesTo("/cb/brief"), d => d.Text.Contains(after.Guid, StringComparison.Ordinal));
    }
}
