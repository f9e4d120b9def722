using System.Net;
using System.Text.Json;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.WebSub.Hub;

/// <summary>POST /websub end to end: validation, verification of intent on a real callback server, leases, unsubscribe.</summary>
public sealed class SubscriptionTests() : HubTestBase(new FeedServiceApp(settings: new Dictionary<string, string>
{
    ["FeedService:WebSub:DefaultLeaseSeconds"] = "1800",
    ["FeedService:WebSub:MaxLeaseSeconds"] = "3600",
}))
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await HubClient.CategoryReadyAsync(App, "tech");
    }

    [Fact]
    public async Task A_subscription_is_verified_with_a_challenge_and_stored_active()
    {
        Subscriber.Accept("/cb/verified");
        // The callback's own query stays; the hub's parameters are added to it.
        var callback = Subscriber.Callback("/cb/verified?token=abc&x=1");
        var topic = HubClient.Topic("tech.atom");

        var response = await HubClient.SubscribeAsync(App, topic, callback, leaseSeconds: "600");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var verification = await Subscriber.WaitForVerificationAsync("/cb/verified");
        Assert.Equal("subscribe", verification["hub.mode"]);
        Assert.Equal(topic, verification["hub.topic"]);
        Assert.Equal("600", verification["hub.lease_seconds"]);
        Assert.Matches("^[0-9a-f]{40}$", verification["hub.challenge"]);
        Assert.Equal("abc", verification["token"]);
        Assert.Equal("1", verification["x"]);

        var stored = await HubClient.WaitForSubscriptionAsync(App, topic, callback, s => s?.State == "active");
        Assert.Equal(600, stored.LeaseSeconds);
        Assert.False(stored.HasSecret);
        Assert.NotNull(stored.VerifiedAt);
        Assert.Equal(stored.VerifiedAt!.Value.AddSeconds(600), stored.ExpiresAt);

        var recorded = (await HubClient.WaitForVerificationsAsync(App, callback)).Single();
        Assert.Equal(("subscribe", "verified", 200, 600), (recorded.Mode, recorded.Outcome, recorded.StatusCode!.Value, recorded.LeaseSeconds!.Value));
    }

    [Theory]
    [InlineData(Echo.WrongBody, 200, "the response body was not the challenge")]
    [InlineData(Echo.NotFound, 404, "HTTP 404 Not Found")]
    public async Task A_refused_verification_leaves_no_subscription_and_is_recorded(Echo echo, int status, string error)
    {
        var path = $"/cb/refuses-{echo}";
        Subscriber.Accept(path, echo);
        var callback = Subscriber.Callback(path);
        var topic = HubClient.Topic("tech.atom");

        Assert.Equal(HttpStatusCode.Accepted, (await HubClient.SubscribeAsync(App, topic, callback)).StatusCode);
        await Subscriber.WaitForVerificationAsync(path);

        var recorded = (await HubClient.WaitForVerificationsAsync(App, callback)).Single();
        Assert.Equal(("refused", status, error), (recorded.Outcome, recorded.StatusCode!.Value, recorded.Error!));
        // The outcome is recorded after the subscription was settled: the pending row is gone, nothing is active.
        Assert.DoesNotContain(await HubClient.SubscriptionsAsync(App), s => s.Callback == callback);
    }

    [Fact]
    public async Task A_refused_renewal_keeps_the_existing_subscription()
    {
        var confirms = true;
        Subscriber.Server.Map("/cb/renewal", async context =>
        {
            var challenge = context.Request.Query["hub.challenge"].ToString();
            await LocalFeedServer.WriteAsync(context, confirms ? 200 : 404, System.Text.Encoding.UTF8.GetBytes(confirms ? challenge : ""), "text/plain");
        });
        var callback = Subscriber.Callback("/cb/renewal");
        var topic = HubClient.Topic("tech.atom");
        var first = await HubClient.SubscribeActiveAsync(App, topic, callback, leaseSeconds: "900");

        confirms = false;
        Assert.Equal(HttpStatusCode.Accepted, (await HubClient.SubscribeAsync(App, topic, callback, secret: "new-secret", leaseSeconds: "1200")).StatusCode);
        Assert.Equal("refused", (await HubClient.WaitForVerificationsAsync(App, callback, count: 2))[0].Outcome);

        var kept = (await HubClient.SubscriptionsAsync(App)).Single(s => s.Callback == callback);
        Assert.Equal(("active", 900, false, first.ExpiresAt), (kept.State, kept.LeaseSeconds, kept.HasSecret, kept.ExpiresAt));
    }

    [Theory]
    [InlineData(null, "1800")]        // none asked: DefaultLeaseSeconds
    [InlineData("999999", "3600")]    // capped at MaxLeaseSeconds
    [InlineData("5", "60")]           // raised to the minimum
    public async Task The_lease_is_defaulted_capped_and_floored(string? asked, string granted)
    {
        var path = $"/cb/lease-{asked ?? "none"}";
        Subscriber.Accept(path);
        var callback = Subscriber.Callback(path);
        var topic = HubClient.Topic("tech.json");

        var stored = await HubClient.SubscribeActiveAsync(App, topic, callback, leaseSeconds: asked);
        Assert.Equal(granted, (await Subscriber.WaitForVerificationAsync(path))["hub.lease_seconds"]);
        Assert.Equal(int.Parse(granted, System.Globalization.CultureInfo.InvariantCulture), stored.LeaseSeconds);
    }

    [Theory]
    [InlineData("https://elsewhere.example.org/feed.xml", 400, "hub.topic")]
    [InlineData("http://feeds.example.test/feeds/tech.atom?x=1", 400, "hub.topic")]
    [InlineData("http://feeds.example.test/feeds/archive/tech/1.atom", 400, "hub.topic")]
    [InlineData("http://feeds.example.test/posts/1", 400, "hub.topic")]
    [InlineData("not a url", 400, "hub.topic")]
    [InlineData("http://feeds.example.test/feeds/no-such-category.atom", 404, null)]
    public async Task Topics_other_than_our_current_feeds_are_refused(string topic, int status, string? field)
    {
        Subscriber.Accept("/cb/topics");
        var response = await HubClient.SubscribeAsync(App, topic, Subscriber.Callback("/cb/topics"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null) Assert.True(await HasErrorAsync(response, field), await response.Content.ReadAsStringAsync());
        Assert.Empty(Subscriber.VerificationsOf("/cb/topics"));
    }

    [Fact]
    public async Task A_topic_is_compared_in_normal_form_and_verified_as_given()
    {
        Subscriber.Accept("/cb/normal");
        var callback = Subscriber.Callback("/cb/normal");
        const string asGiven = "HTTP://FEEDS.EXAMPLE.TEST:80/feeds/tech.atom";
        var response = await HubClient.SubscribeAsync(App, asGiven, callback);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        // WebSub §5.3: the verification names the topic the subscriber gave; the hub stores it in normal form.
        Assert.Equal(asGiven, (await Subscriber.WaitForVerificationAsync("/cb/normal"))["hub.topic"]);
        await HubClient.WaitForSubscriptionAsync(App, HubClient.Topic("tech.atom"), callback, s => s?.State == "active");
    }

    [Theory]
    [InlineData("hub.mode", "watch")]
    [InlineData("hub.callback", "ftp://127.0.0.1/cb")]
    [InlineData("hub.callback", "/relative/cb")]
    [InlineData("hub.callback", "http://127.0.0.1:1/cb#fragment")]
    [InlineData("hub.lease_seconds", "ten")]
    [InlineData("hub.lease_seconds", "-5")]
    [InlineData("hub.secret", "200 bytes")]
    public async Task Malformed_requests_are_refused_with_the_parameter_named(string field, string value)
    {
        var fields = new Dictionary<string, string>
        {
            ["hub.mode"] = "subscribe",
            ["hub.topic"] = HubClient.Topic("tech.atom"),
            ["hub.callback"] = Subscriber.Callback("/cb/malformed"),
            // WebSub §5.1: the secret must be less than 200 bytes.
            [field] = field == "hub.secret" ? new string('s', 200) : value,
        };
        var response = await App.CreateClient().PostAsync("/websub", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(await HasErrorAsync(response, field), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_secret_of_199_bytes_is_accepted()
    {
        Subscriber.Accept("/cb/secret-199");
        await HubClient.SubscribeActiveAsync(App, HubClient.Topic("tech.atom"), Subscriber.Callback("/cb/secret-199"), secret: new string('s', 199));
    }

    [Fact]
    public async Task Only_form_encoded_requests_are_read()
    {
        var json = new StringContent("""{"hub.mode":"subscribe"}""", System.Text.Encoding.UTF8, "application/json");
        var response = await App.CreateClient().PostAsync("/websub", json);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_verified_unsubscribe_removes_the_subscription()
    {
        Subscriber.Accept("/cb/leaving");
        var callback = Subscriber.Callback("/cb/leaving");
        var topic = HubClient.Topic("tech.atom");
        await HubClient.SubscribeActiveAsync(App, topic, callback, secret: "s3cret");

        Assert.Equal(HttpStatusCode.Accepted, (await HubClient.SendAsync(App, "unsubscribe", topic, callback)).StatusCode);
        var verification = await Subscriber.WaitForVerificationAsync("/cb/leaving", count: 2);
        Assert.Equal("unsubscribe", verification["hub.mode"]);
        Assert.Equal(topic, verification["hub.topic"]);
        Assert.Null(verification["hub.lease_seconds"]);
        await HubClient.WaitForSubscriptionAsync(App, topic, callback, s => s is null);
    }

    [Fact]
    public async Task An_unverified_unsubscribe_keeps_the_subscription_and_an_unknown_one_is_404()
    {
        var leaves = false;
        Subscriber.Server.Map("/cb/stays", async context =>
        {
            var mode = context.Request.Query["hub.mode"].ToString();
            var echo = mode == "subscribe" || leaves ? context.Request.Query["hub.challenge"].ToString() : "no";
            await LocalFeedServer.WriteAsync(context, 200, System.Text.Encoding.UTF8.GetBytes(echo), "text/plain");
        });
        var callback = Subscriber.Callback("/cb/stays");
        var topic = HubClient.Topic("tech.atom");
        await HubClient.SubscribeActiveAsync(App, topic, callback);

        // Someone else asks to unsubscribe this callback; the subscriber did not: nothing changes.
        Assert.Equal(HttpStatusCode.Accepted, (await HubClient.SendAsync(App, "unsubscribe", topic, callback)).StatusCode);
        var unsubscribe = (await HubClient.WaitForVerificationsAsync(App, callback, count: 2))[0];
        Assert.Equal(("unsubscribe", "refused"), (unsubscribe.Mode, unsubscribe.Outcome));
        Assert.Equal("active", (await HubClient.SubscriptionsAsync(App)).Single(s => s.Callback == callback).State);

        var unknown = await HubClient.SendAsync(App, "unsubscribe", topic, Subscriber.Callback("/cb/never-subscribed"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_hub_api_needs_the_key_and_never_shows_secrets()
    {
        Subscriber.Accept("/cb/private");
        await HubClient.SubscribeActiveAsync(App, HubClient.Topic("tech.atom"), Subscriber.Callback("/cb/private"), secret: "do-not-show-me");

        var anonymous = App.CreateClient();
        foreach (var path in new[] { "/api/websub/subscriptions", "/api/websub/deliveries", "/api/websub/verifications" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        var listed = await App.Writer().GetStringAsync("/api/websub/subscriptions");
        Assert.Contains("/cb/private", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-show-me", listed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await App.Writer().GetAsync("/api/websub/deliveries?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await App.Writer().GetAsync("/api/websub/deliveries?limit=x")).StatusCode);
    }

    private static async Task<bool> HasErrorAsync(HttpResponseMessage response, string field)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _);
    }
}
