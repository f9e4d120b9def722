using FeedService.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace FeedService.Tests.WebSub.Hub;

/// <summary>
/// Failed deliveries are retried with back-off, a bounded number of times, and a newer document supersedes a pending
/// retry of an older one. The back-off waits on the app's clock, so these tests move a fake clock instead of waiting.
/// </summary>
public sealed class RetryTests() : HubTestBase(new FeedServiceApp(clock: new FakeTimeProvider(DateTimeOffset.UtcNow), settings: new Dictionary<string, string>
{
    ["FeedService:WebSub:FirstRetryDelay"] = FirstRetryDelay.ToString(),
    ["FeedService:WebSub:MaxDeliveryAttempts"] = "3",
    ["FeedService:WebSub:RequestTimeoutSeconds"] = "1",
}))
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(30);

    private FakeTimeProvider Clock => App.Clock!;

    /// <summary>
    /// Moves the clock a back-off step at a time until <paramref name="path"/> has received <paramref name="count"/>
    /// deliveries (bounded). Steps beyond what is due change nothing: the leases run for days.
    /// </summary>
    private async Task AdvanceUntilDeliveredAsync(string path, int count)
    {
        for (var step = 0; step < 100 && Subscriber.DeliveriesTo(path).Count < count; step++)
        {
            Clock.Advance(FirstRetryDelay);
            await Task.Delay(100);
        }
        Assert.Equal(count, Subscriber.DeliveriesTo(path).Count);
    }

    [Fact]
    public async Task A_failed_delivery_is_retried_after_the_back_off_and_delivered()
    {
        await HubClient.CategoryReadyAsync(App, "flaky");
        Subscriber.Accept("/cb/flaky", deliveryStatus: n => n == 1 ? 500 : 200);
        var topic = HubClient.Topic("flaky.atom");
        await HubClient.SubscribeActiveAsync(App, topic, Subscriber.Callback("/cb/flaky"), secret: "k");

        var post = await App.CreatePostAsync(new { title = "Eventually", content = "<p>x</p>", categories = new[] { "flaky" } });
        await Subscriber.WaitForDeliveryAsync("/cb/flaky", d => d.AnsweredWith == 500);
        // Nothing more until the back-off has passed on the clock.
        await Task.Delay(300);
        Assert.Single(Subscriber.DeliveriesTo("/cb/flaky"));

        await AdvanceUntilDeliveredAsync("/cb/flaky", 2);
        var attempts = Subscriber.DeliveriesTo("/cb/flaky");
        Assert.Equal([500, 200], attempts.Select(a => a.AnsweredWith));
        // The same signed document again.
        Assert.Contains(post.Guid, attempts[1].Text, StringComparison.Ordinal);
        Assert.Equal(attempts[0].Body, attempts[1].Body);
        Assert.Equal(attempts[0].Header("X-Hub-Signature"), attempts[1].Header("X-Hub-Signature"));

        var recorded = await HubClient.WaitForDeliveriesAsync(App, topic, d => d.Count >= 2);
        Assert.Equal([(1, 500, "failed"), (2, 200, "delivered")], recorded.OrderBy(d => d.Id).Select(d => (d.Attempt, d.StatusCode!.Value, d.Outcome)));
        Assert.Equal("HTTP 500 Internal Server Error", recorded.Single(d => d.Attempt == 1).Error);
    }

    [Fact]
    public async Task Attempts_are_bounded_and_the_last_failure_is_recorded_as_given_up()
    {
        await HubClient.CategoryReadyAsync(App, "down");
        Subscriber.Accept("/cb/down", deliveryStatus: _ => 503);
        var topic = HubClient.Topic("down.atom");
        await HubClient.SubscribeActiveAsync(App, topic, Subscriber.Callback("/cb/down"));

        await App.CreatePostAsync(new { title = "Never", content = "<p>x</p>", categories = new[] { "down" } });
        await Subscriber.WaitForDeliveryAsync("/cb/down", _ => true);
        await AdvanceUntilDeliveredAsync("/cb/down", 3);
        var recorded = await HubClient.WaitForDeliveriesAsync(App, topic, d => d.Any(x => x.Outcome == "gave-up"));
        Assert.Equal(["failed", "failed", "gave-up"], recorded.OrderBy(d => d.Id).Select(d => d.Outcome));

        // MaxDeliveryAttempts is 3: however far the clock moves, no fourth.
        for (var i = 0; i < 5; i++) Clock.Advance(FirstRetryDelay * 10);
        await Task.Delay(300);
        Assert.Equal(3, Subscriber.DeliveriesTo("/cb/down").Count);
    }

    [Fact]
    public async Task A_timeout_counts_as_a_failure()
    {
        await HubClient.CategoryReadyAsync(App, "slow");
        Subscriber.Accept("/cb/slow", deliveryStatus: _ => 200, delay: TimeSpan.FromSeconds(3));
        var topic = HubClient.Topic("slow.atom");
        await HubClient.SubscribeActiveAsync(App, topic, Subscriber.Callback("/cb/slow"));

        await App.CreatePostAsync(new { title = "Too slow", content = "<p>x</p>", categories = new[] { "slow" } });
        var recorded = await HubClient.WaitForDeliveriesAsync(App, topic, d => d.Count >= 1);
        var first = recorded.OrderBy(d => d.Id).First();
        Assert.Equal(("failed", null, "no response within 1 s"), (first.Outcome, first.StatusCode, first.Error));
    }

    [Fact]
    public async Task A_newer_document_supersedes_a_pending_retry_of_an_older_one()
    {
        await HubClient.CategoryReadyAsync(App, "news");
        var failing = true;
        Subscriber.Accept("/cb/news", deliveryStatus: _ => failing ? 500 : 200);
        var topic = HubClient.Topic("news.atom");
        await HubClient.SubscribeActiveAsync(App, topic, Subscriber.Callback("/cb/news"));

        var older = await App.CreatePostAsync(new { title = "Older", content = "<p>x</p>", categories = new[] { "news" } });
        await Subscriber.WaitForDeliveryAsync("/cb/news", d => d.AnsweredWith == 500);
        failing = false;
        // The older document's retry is pending (the clock has not moved); the newer one goes out at once.
        var newer = await App.CreatePostAsync(new { title = "Newer", content = "<p>y</p>", categories = new[] { "news" } });
        var delivered = await Subscriber.WaitForDeliveryAsync("/cb/news", d => d.AnsweredWith == 200);
        Assert.Contains(newer.Guid, delivered.Text, StringComparison.Ordinal);
        Assert.Contains(older.Guid, delivered.Text, StringComparison.Ordinal);

        // Long past the moment the older document's retries were due: they never came.
        for (var i = 0; i < 5; i++) Clock.Advance(FirstRetryDelay * 10);
        await Task.Delay(300);
        Assert.Equal([500, 200], Subscriber.DeliveriesTo("/cb/news").Select(d => d.AnsweredWith));
        var recorded = await HubClient.WaitForDeliveriesAsync(App, topic, d => d.Any(x => x.Outcome == "superseded"));
        // The pending retry is dropped the moment the newer change arrives, so its record may come before the delivery's.
        Assert.Equal(["delivered", "failed", "superseded"], recorded.Select(d => d.Outcome).Order(StringComparer.Ordinal));
        Assert.Equal((2, null), recorded.Where(d => d.Outcome == "superseded").Select(d => (d.Attempt, d.StatusCode)).Single());
    }
}
