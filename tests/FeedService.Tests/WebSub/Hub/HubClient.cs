using System.Diagnostics;
using System.Net.Http.Json;
using FeedService.Tests.Infrastructure;
using FeedService.WebSub.Hub;
using Microsoft.Extensions.DependencyInjection;

namespace FeedService.Tests.WebSub.Hub;

public sealed record SubscriptionJson(long Id, string Topic, string Callback, string State, int LeaseSeconds, DateTimeOffset? ExpiresAt,
    DateTimeOffset? VerifiedAt, bool HasSecret, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record DeliveryJson(long Id, string Topic, string Callback, int Attempt, int? StatusCode, string Outcome, string? Error, double DurationMs, DateTimeOffset At);

public sealed record VerificationJson(long Id, string Mode, string Topic, string Callback, int? LeaseSeconds, string Outcome, int? StatusCode, string? Error, DateTimeOffset At);

/// <summary>Talks to the app's hub the way a WebSub subscriber does, and reads its state through the API.</summary>
public static class HubClient
{
    /// <summary>How often the API is polled while waiting: gentle enough for the write rate limit every keyed route shares.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static string Topic(string file) => $"{FeedServiceApp.BaseUrl}/feeds/{file}";

    /// <summary>
    /// Creates a category and waits until its feeds exist and their creation has been announced and pushed: a
    /// regeneration announces the files it wrote only when it ends, so a subscription made as soon as a file is served
    /// could otherwise still receive that first document.
    /// </summary>
    public static async Task CategoryReadyAsync(FeedServiceApp app, string slug)
    {
        await app.CreateCategoryAsync(slug);
        foreach (var ext in new[] { "rss", "atom", "json" }) await app.WaitForFeedAsync($"{slug}.{ext}", _ => true);
        // Waits for a run in progress (it holds the regeneration lock), or renders the category itself.
        await app.RegenerateAsync();
        var hub = app.Services.GetRequiredService<HubDelivery>();
        var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while (new[] { "rss", "atom", "json" }.Any(ext => hub.IsPushing(Topic($"{slug}.{ext}"))) && Stopwatch.GetTimestamp() < deadline)
            await Task.Delay(10);
    }

    public static Task<HttpResponseMessage> SendAsync(FeedServiceApp app, string mode, string topic, string callback, string? secret = null, string? leaseSeconds = null)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("hub.mode", mode),
            new("hub.topic", topic),
            new("hub.callback", callback),
        };
        if (secret is not null) fields.Add(new("hub.secret", secret));
        if (leaseSeconds is not null) fields.Add(new("hub.lease_seconds", leaseSeconds));
        return app.CreateClient().PostAsync("/websub", new FormUrlEncodedContent(fields));
    }

    public static Task<HttpResponseMessage> SubscribeAsync(FeedServiceApp app, string topic, string callback, string? secret = null, string? leaseSeconds = null) =>
        SendAsync(app, "subscribe", topic, callback, secret, leaseSeconds);

    /// <summary>Subscribes, asserts the 202, and waits (bounded) until the subscription is active.</summary>
    public static async Task<SubscriptionJson> SubscribeActiveAsync(FeedServiceApp app, string topic, string callback, string? secret = null, string? leaseSeconds = null)
    {
        var response = await SubscribeAsync(app, topic, callback, secret, leaseSeconds);
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"subscribe answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await WaitForSubscriptionAsync(app, topic, callback, s => s?.State == "active" && s.HasSecret == (secret is not null));
    }

    public static Task<List<SubscriptionJson>> SubscriptionsAsync(FeedServiceApp app) =>
        ReadAsync<List<SubscriptionJson>>(app, "/api/websub/subscriptions");

    public static Task<List<DeliveryJson>> DeliveriesAsync(FeedServiceApp app, string? topic = null) =>
        ReadAsync<List<DeliveryJson>>(app, $"/api/websub/deliveries?limit=1000&topic={Uri.EscapeDataString(topic ?? "")}");

    public static Task<List<VerificationJson>> VerificationsAsync(FeedServiceApp app) =>
        ReadAsync<List<VerificationJson>>(app, "/api/websub/verifications?limit=1000");

    /// <summary>
    /// GET with the key. Every route that takes a key shares the write rate limit (FeedService:RateLimits), which the
    /// polling below can reach: a 429 is waited out (bounded), as a client would.
    /// </summary>
    private static async Task<T> ReadAsync<T>(FeedServiceApp app, string path)
    {
        var client = app.Writer();
        for (var attempt = 1; ; attempt++)
        {
            using var response = await client.GetAsync(path);
            if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests || attempt == 20)
            {
                response.EnsureSuccessStatusCode();
                return (await response.Content.ReadFromJsonAsync<T>())!;
            }
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Waits (bounded) until the stored subscription (null when there is none) satisfies <paramref name="predicate"/>.</summary>
    public static async Task<SubscriptionJson> WaitForSubscriptionAsync(FeedServiceApp app, string topic, string callback, Func<SubscriptionJson?, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds * Stopwatch.Frequency);
        SubscriptionJson? last = null;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            last = (await SubscriptionsAsync(app)).SingleOrDefault(s => s.Topic == topic && s.Callback == callback);
            if (predicate(last)) return last!;
            await Task.Delay(PollInterval);
        }
        throw new TimeoutException($"the subscription of {callback} to {topic} never reached the expected state; last: {last?.ToString() ?? "none"}");
    }

    /// <summary>Waits (bounded) until the recorded deliveries satisfy <paramref name="predicate"/> (the history is written in batches).</summary>
    public static async Task<List<DeliveryJson>> WaitForDeliveriesAsync(FeedServiceApp app, string topic, Func<List<DeliveryJson>, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds * Stopwatch.Frequency);
        var last = new List<DeliveryJson>();
        while (Stopwatch.GetTimestamp() < deadline)
        {
            last = await DeliveriesAsync(app, topic);
            if (predicate(last)) return last;
            await Task.Delay(PollInterval);
        }
        throw new TimeoutException($"the recorded deliveries of {topic} never matched; last: {string.Join("; ", last)}");
    }

    /// <summary>Waits (bounded) until at least <paramref name="count"/> verifications of <paramref name="callback"/> are recorded; returns them, newest first.</summary>
    public static async Task<List<VerificationJson>> WaitForVerificationsAsync(FeedServiceApp app, string callback, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds * Stopwatch.Frequency);
        var last = new List<VerificationJson>();
        while (Stopwatch.GetTimestamp() < deadline)
        {
            last = (await VerificationsAsync(app)).Where(v => v.Callback == callback).ToList();
            if (last.Count >= count) return last;
            await Task.Delay(PollInterval);
        }
        throw new TimeoutException($"{last.Count} verifications of {callback} were recorded, not {count}");
    }
}
