using System.Security.Cryptography;
using System.Text;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.WebSub.Hub;

/// <summary>
/// Content distribution end to end: a post written through the API reaches real callbacks, signed, with the right headers.
/// No periodic regeneration: a delivery of a new post was set off by the write itself.
/// </summary>
public sealed class DeliveryTests() : HubTestBase(new FeedServiceApp(settings: FeedServiceApp.NoPeriodicRegeneration))
{
    private Task CategoryAsync(string slug) => HubClient.CategoryReadyAsync(App, slug);

    private Task<PostJson> PostAsync(string category, string title) =>
        App.CreatePostAsync(new { title, content = $"<p>{title}</p>", categories = new[] { category } });

    [Fact]
    public async Task A_new_post_reaches_the_subscriber_at_once_signed_and_with_hub_links()
    {
        await CategoryAsync("tech");
        const string secret = "a-subscriber-secret";
        Subscriber.Accept("/cb/signed");
        var topic = HubClient.Topic("tech.atom");
        await HubClient.SubscribeActiveAsync(App, topic, Subscriber.Callback("/cb/signed"), secret: secret);

        // The 2 s figure is checked against the published app by tests/bench/websub/run.sh; here, that it arrives at all.
        var post = await PostAsync("tech", "Pushed");
        var delivery = await Subscriber.WaitForDeliveryAsync("/cb/signed", d => d.Text.Contains(post.Guid, StringComparison.Ordinal));

        Assert.Equal("application/atom+xml; charset=utf-8", delivery.Header("Content-Type"));
        Assert.Equal($"<{FeedServiceApp.BaseUrl}/websub>; rel=\"hub\", <{topic}>; rel=\"self\"", delivery.Header("Link"));
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), delivery.Body));
        Assert.Equal(expected, delivery.Header("X-Hub-Signature"));
        Assert.Matches(@"^FeedService/\d+\.\d+\.\d+ \(\+http://feeds\.example\.test\) WebSub$", delivery.Header("User-Agent"));
        // The document pushed is the document served.
        Assert.Equal(await App.CreateClient().GetByteArrayAsync("/feeds/tech.atom"), delivery.Body);
        FeedAssert.ValidAtom(delivery.Text, topic);

        var recorded = await HubClient.WaitForDeliveriesAsync(App, topic, d => d.Count > 0);
        Assert.Equal(("delivered", 204, 1), (recorded[0].Outcome, recorded[0].StatusCode!.Value, recorded[0].Attempt));
        Assert.Equal(Subscriber.Callback("/cb/signed"), recorded[0].Callback);
    }

    [Fact]
    public async Task Without_a_secret_there_is_no_signature_and_each_format_has_its_type()
    {
        await CategoryAsync("plain");
        Subscriber.Accept("/cb/plain-rss");
        Subscriber.Accept("/cb/plain-json");
        await HubClient.SubscribeActiveAsync(App, HubClient.Topic("plain.rss"), Subscriber.Callback("/cb/plain-rss"));
        await HubClient.SubscribeActiveAsync(App, HubClient.Topic("plain.json"), Subscriber.Callback("/cb/plain-json"));

        var post = await PostAsync("plain", "Unsigned");
        var rss = await Subscriber.WaitForDeliveryAsync("/cb/plain-rss", d => d.Text.Contains(post.Guid, StringComparison.Ordinal));
        var json = await Subscriber.WaitForDeliveryAsync("/cb/plain-json", d => d.Text.Contains(post.Guid, StringComparison.Ordinal));
        Assert.Null(rss.Header("X-Hub-Signature"));
        Assert.Null(json.Header("X-Hub-Signature"));
        Assert.Equal("application/rss+xml; charset=utf-8", rss.Header("Content-Type"));
        Assert.Equal("application/feed+json; charset=utf-8", json.Header("Content-Type"));
        Assert.Contains("rel=\"self\"", json.Header("Link"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_renewal_with_a_new_secret_signs_with_the_new_secret()
    {
        await CategoryAsync("renewed");
        Subscriber.Accept("/cb/renewed");
        var topic = HubClient.Topic("renewed.atom");
        var callback = Subscriber.Callback("/cb/renewed");
        await HubClient.SubscribeActiveAsync(App, topic, callback, secret: "old-secret");
        Assert.Equal(202, (int)(await HubClient.SubscribeAsync(App, topic, callback, secret: "new-secret")).StatusCode);
        var verifications = await HubClient.WaitForVerificationsAsync(App, callback, count: 2);
        Assert.All(verifications, v => Assert.Equal("verified", v.Outcome));

        var post = await PostAsync("renewed", "Resigned");
        var delivery = await Subscriber.WaitForDeliveryAsync("/cb/renewed", d => d.Text.Contains(post.Guid, StringComparison.Ordinal));
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("new-secret"u8, delivery.Body)), delivery.Header("X-Hub-Signature"));
        Assert.Single(await HubClient.SubscriptionsAsync(App), s => s.Callback == callback);
    }

    [Fact]
    public async Task After_a_verified_unsubscribe_nothing_more_is_delivered()
    {
        await CategoryAsync("leaving");
        Subscriber.Accept("/cb/leaving");
        Subscriber.Accept("/cb/staying");
        var topic = HubClient.Topic("leaving.atom");
        await HubClient.SubscribeActiveAsync(App, topic, Subscriber.Callback("/cb/leaving"));
        await HubClient.SubscribeActiveAsync(App, topic, Subscriber.Callback("/cb/staying"));

        var first = await PostAsync("leaving", "Before");
        await Subscriber.WaitForDeliveryAsync("/cb/leaving", d => d.Text.Contains(first.Guid, StringComparison.Ordinal));

        Assert.Equal(202, (int)(await HubClient.SendAsync(App, "unsubscribe", topic, Subscriber.Callback("/cb/leaving"))).StatusCode);
        await HubClient.WaitForSubscriptionAsync(App, topic, Subscriber.Callback("/cb/leaving"), s => s is null);

        var second = await PostAsync("leaving", "After");
        // The subscriber that stayed gets it; by then the one that left would have too.
        await Subscriber.WaitForDeliveryAsync("/cb/staying", d => d.Text.Contains(second.Guid, StringComparison.Ordinal));
        await Task.Delay(300);
        Assert.DoesNotContain(Subscriber.DeliveriesTo("/cb/leaving"), d => d.Text.Contains(second.Guid, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_subscriber_that_answers_410_gone_is_removed()
    {
        await CategoryAsync("gone");
        Subscriber.Accept("/cb/gone", deliveryStatus: _ => 410);
        var topic = HubClient.Topic("gone.atom");
        await HubClient.SubscribeActiveAsync(App, topic, Subscriber.Callback("/cb/gone"));

        await PostAsync("gone", "Unwanted");
        await Subscriber.WaitForDeliveryAsync("/cb/gone", _ => true);
        await HubClient.WaitForSubscriptionAsync(App, topic, Subscriber.Callback("/cb/gone"), s => s is null);
        var recorded = await HubClient.WaitForDeliveriesAsync(App, topic, d => d.Count > 0);
        Assert.Equal(("gone", 410), (recorded[0].Outcome, recorded[0].StatusCode!.Value));
        Assert.Single(Subscriber.DeliveriesTo("/cb/gone"));
    }
}
