using System.Net;
using System.Security.Cryptography;
using FeedService.Aggregation;
using FeedService.Aggregation.Parsing;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub.Subscriber;

/// <summary>
/// Subscriber side of WebSub for aggregated sources: when a polled feed names a hub, subscribe to it with a callback
/// under our own URL, and renew before the lease ends. (Verification and deliveries arrive at <see cref="CallbackApi"/>.)
/// </summary>
public sealed class PushSubscriber(
    PushStore store,
    IHttpClientFactory clients,
    IOptions<WebSubOptions> websub,
    IOptions<SiteOptions> site,
    TimeProvider clock,
    ILogger<PushSubscriber> logger) : IPushSubscriptions
{
    public const string ClientName = "websub-subscribe";

    /// <summary>How long a request may wait for the hub's verification before it is asked again.</summary>
    private static readonly TimeSpan VerificationWait = TimeSpan.FromHours(1);

    /// <summary>While a subscription is live, or right after a hub delivered, the source is polled only as a safety net.</summary>
    public async Task<TimeSpan?> PushedPollIntervalAsync(Source source, bool pushed, DateTimeOffset now, CancellationToken ct) =>
        pushed || (await store.OfSourceAsync(source.Id, ct))?.IsLiveAt(now) == true ? websub.Value.PushSafetyPollInterval : null;

    /// <summary>Subscribes when the feed names a hub and no live or pending subscription to it exists.</summary>
    public async Task FeedPolledAsync(Source source, ParsedFeed feed, CancellationToken ct)
    {
        if (feed.HubUrl is null || !Uri.TryCreate(feed.HubUrl, UriKind.Absolute, out var hub) || hub.Scheme is not ("http" or "https")) return;
        var topic = feed.SelfUrl is not null && Uri.TryCreate(feed.SelfUrl, UriKind.Absolute, out var self) ? self.AbsoluteUri : source.Url;
        var now = clock.GetUtcNow();
        var existing = await store.OfSourceAsync(source.Id, ct);
        if (existing is not null && existing.HubUrl == hub.AbsoluteUri && existing.TopicUrl == topic
            && (existing.IsLiveAt(now) || (existing.State == PushState.Requested && now - existing.RequestedAt < VerificationWait)))
        {
            return;
        }
        await SubscribeAsync(source.Id, hub.AbsoluteUri, topic, ct);
    }

    /// <summary>
    /// Asks the hub for a subscription. The hub confirms by calling our callback. A renewal asks again with the same
    /// callback and secret, so the hub extends the subscription it has, and the current lease stays live meanwhile.
    /// </summary>
    public async Task SubscribeAsync(long sourceId, string hub, string topic, CancellationToken ct, PushSubscription? renewing = null)
    {
        var token = renewing?.CallbackToken ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var secret = renewing?.Secret ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        // Stored before asking: a hub may verify before it even answers the request.
        if (renewing is null) await store.RequestedAsync(sourceId, hub, topic, token, secret, clock.GetUtcNow(), ct);
        else await store.RenewalRequestedAsync(sourceId, clock.GetUtcNow(), ct);
        var error = await PostAsync(hub, [
            new("hub.mode", "subscribe"),
            new("hub.topic", topic),
            new("hub.callback", CallbackUrl(token)),
            new("hub.secret", secret),
            new("hub.lease_seconds", ((long)websub.Value.SubscriptionLease.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ], ct);
        if (error is null)
        {
            logger.LogInformation("Asked hub {Hub} to push {Topic}", hub, topic);
            return;
        }
        logger.LogWarning("Hub {Hub} refused the subscription to {Topic}: {Error}; polling goes on", hub, topic, error);
        // A failed renewal leaves the live lease alone: it is tried again at the next round, and lapses if it never works.
        if (renewing is null) await store.StateAsync(sourceId, PushState.Failed, error, ct);
    }

    /// <summary>Best effort when a source is removed: the hub also learns it from a 410 at the next delivery.</summary>
    public async Task UnsubscribeAsync(PushSubscription subscription, CancellationToken ct) =>
        await PostAsync(subscription.HubUrl, [
            new("hub.mode", "unsubscribe"),
            new("hub.topic", subscription.TopicUrl),
            new("hub.callback", CallbackUrl(subscription.CallbackToken)),
        ], ct);

    public string CallbackUrl(string token) => site.Value.Url($"websub/callback/{token}");

    private async Task<string?> PostAsync(string hub, KeyValuePair<string, string>[] form, CancellationToken ct)
    {
        try
        {
            using var body = new FormUrlEncodedContent(form);
            using var response = await clients.CreateClient(ClientName).PostAsync(new Uri(hub), body, ct);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return e.InnerException?.Message ?? e.Message;
        }
    }

    /// <summary>The client for hub requests: the hub URL comes from a remote feed, so it passes the same address guard as fetches.</summary>
    internal static SocketsHttpHandler Handler(Aggregation.Fetching.AddressGuard guard) => new()
    {
        AllowAutoRedirect = false,
        ConnectCallback = guard.ConnectAsync,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.All,
    };
}
