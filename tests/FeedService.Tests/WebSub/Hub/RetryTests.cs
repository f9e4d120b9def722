using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.WebSub.Hub;

/// <summary>Failed deliveries are retried with back-off, and a newer document supersedes a pending retry of an older one.</summary>
public sealed class RetryTests : IAsyncLifetime
{
    private FeedServiceApp _app = null!;
    private TestSubscriber _subscriber = null!;

    public async Task InitializeAsync()
    {
        _app = new FeedServiceApp(settings: new Dictionary<string, string>
        {
            ["FeedService:WebSub:FirstRetryDelay"] = "00:00:00.300",
            ["FeedService:WebSub:MaxDeliveryAttempts"] = "3",
            ["FeedService:WebSub:RequestTimeoutSeconds"] = "1",
        });
        _subscriber = await TestSubscriber.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _subscriber.DisposeAsync();
    }

    private Task CategoryAsync(string slug) => HubClient.CategoryReadyAsync(_app, slug);

    [Fact]
    public async Task A_failed_delivery_is_retried_and_delivered()
    {
        await CategoryAsync("flaky");
        _subscriber.Accept("/cb/flaky", deliveryStatus: n => n == 1 ? 500 : 200);
        var topic = HubClient.Topic("flaky.atom");
        await HubClient.SubscribeActiveAsync(_app, topic, _subscriber.Callback("/cb/flaky"), secret: "k");

        var post = await _app.CreatePostAsync(new { title = "Eventually", content = "<p>x</p>", categories = new[] { "flaky" } });
        var delivered = await _subscriber.WaitForDeliveryAsync("/cb/flaky", d => d.AnsweredWith == 200);
        Assert.Contains(post.Guid, delivered.Text);
        var attempts = _subscriber.DeliveriesTo("/cb/flaky");
        Assert.Equal([500, 200], attempts.Select(a => a.AnsweredWith));
        // The retry waited for FirstRetryDelay, and sent the same signed document again.
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(attempts[0].EndedAt, attempts[1].StartedAt) >= TimeSpan.FromMilliseconds(250));
        Assert.Equal(attempts[0].Body, attempts[1].Body);
        Assert.Equal(attempts[0].Header("X-Hub-Signature"), attempts[1].Header("X-Hub-Signature"));

        var recorded = await HubClient.WaitForDeliveriesAsync(_app, topic, d => d.Count >= 2);
        Assert.Equal([(1, 500, "failed"), (2, 200, "delivered")], recorded.OrderBy(d => d.Id).Select(d => (d.Attempt, d.StatusCode!.Value, d.Outcome)));
        Assert.Equal("HTTP 500 Internal Server Error", recorded.Single(d => d.Attempt == 1).Error);
    }

    [Fact]
    public async Task Attempts_are_bounded_and_the_last_failure_is_recorded_as_given_up()
    {
        await CategoryAsync("down");
        _subscriber.Accept("/cb/down", deliveryStatus: _ => 503);
        var topic = HubClient.Topic("down.atom");
        await HubClient.SubscribeActiveAsync(_app, topic, _subscriber.Callback("/cb/down"));

        await _app.CreatePostAsync(new { title = "Never", content = "<p>x</p>", categories = new[] { "down" } });
        // 3 attempts: 0.3 s and 0.6 s apart.
        var recorded = await HubClient.WaitForDeliveriesAsync(_app, topic, d => d.Any(x => x.Outcome == "gave-up"));
        Assert.Equal(["failed", "failed", "gave-up"], recorded.OrderBy(d => d.Id).Select(d => d.Outcome));
        await Task.Delay(1000);
        Assert.Equal(3, _subscriber.DeliveriesTo("/cb/down").Count);
    }

    [Fact]
    public async Task A_timeout_counts_as_a_failure()
    {
        await CategoryAsync("slow");
        _subscriber.Accept("/cb/slow", deliveryStatus: _ => 200, delay: TimeSpan.FromSeconds(3));
        var topic = HubClient.Topic("slow.atom");
        await HubClient.SubscribeActiveAsync(_app, topic, _subscriber.Callback("/cb/slow"));

        await _app.CreatePostAsync(new { title = "Too slow", content = "<p>x</p>", categories = new[] { "slow" } });
        var recorded = await HubClient.WaitForDeliveriesAsync(_app, topic, d => d.Count >= 1);
        var first = recorded.OrderBy(d => d.Id).First();
        Assert.Equal(("failed", null, "no response within 1 s"), (first.Outcome, first.StatusCode, first.Error));
    }

    [Fact]
    public async Task A_newer_document_supersedes_a_pending_retry_of_an_older_one()
    {
        await using var app = new FeedServiceApp(settings: new Dictionary<string, string>
        {
            ["FeedService:WebSub:FirstRetryDelay"] = "00:00:02",
            ["FeedService:WebSub:MaxDeliveryAttempts"] = "3",
        });
        await HubClient.CategoryReadyAsync(app, "news");
        var failing = true;
        _subscriber.Accept("/cb/news", deliveryStatus: _ => failing ? 500 : 200);
        var topic = HubClient.Topic("news.atom");
        await HubClient.SubscribeActiveAsync(app, topic, _subscriber.Callback("/cb/news"));

        var older = await app.CreatePostAsync(new { title = "Older", content = "<p>x</p>", categories = new[] { "news" } });
        await _subscriber.WaitForDeliveryAsync("/cb/news", d => d.AnsweredWith == 500);
        failing = false;
        var newer = await app.CreatePostAsync(new { title = "Newer", content = "<p>y</p>", categories = new[] { "news" } });
        var delivered = await _subscriber.WaitForDeliveryAsync("/cb/news", d => d.AnsweredWith == 200);
        Assert.Contains(newer.Guid, delivered.Text);
        Assert.Contains(older.Guid, delivered.Text);

        // Past the moment the older document's retry was due: it never came.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var received = _subscriber.DeliveriesTo("/cb/news");
        Assert.Equal([500, 200], received.Select(d => d.AnsweredWith));
        var recorded = await HubClient.WaitForDeliveriesAsync(app, topic, d => d.Any(x => x.Outcome == "superseded"));
        // The pending retry is dropped the moment the newer change arrives, so its record may come before the delivery's.
        Assert.Equal(["delivered", "failed", "superseded"], recorded.Select(d => d.Outcome).Order(StringComparer.Ordinal));
        Assert.Equal((2, null), recorded.Where(d => d.Outcome == "superseded").Select(d => (d.Attempt, d.StatusCode)).Single());
    }
}
