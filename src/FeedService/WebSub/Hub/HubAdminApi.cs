using System.Globalization;
using FeedService.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedService.WebSub.Hub;

/// <summary>
/// /api/websub: the hub's subscribers, deliveries and verifications, for the publisher. Key required: callbacks are
/// the subscribers' private URLs. Secrets are never shown, only whether there is one.
/// </summary>
public static class HubAdminApi
{
    public sealed record SubscriptionOutput(
        long Id, string Topic, string Callback, string State, int LeaseSeconds, DateTimeOffset? ExpiresAt, DateTimeOffset? VerifiedAt,
        bool HasSecret, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    public sealed record DeliveryOutput(
        long Id, string Topic, string Callback, int Attempt, int? StatusCode, string Outcome, string? Error, double DurationMs, DateTimeOffset At);

    public sealed record VerificationOutput(
        long Id, string Mode, string Topic, string Callback, int? LeaseSeconds, string Outcome, int? StatusCode, string? Error, DateTimeOffset At);

    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static RouteGroupBuilder MapWebSubAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/websub").WithTags("WebSub hub").RequireApiKey();
        group.MapGet("/subscriptions", ListSubscriptionsAsync).Produces<List<SubscriptionOutput>>().ProducesProblem(401);
        group.MapGet("/deliveries", ListDeliveriesAsync).Produces<List<DeliveryOutput>>().ProducesValidationProblem().ProducesProblem(401);
        group.MapGet("/verifications", ListVerificationsAsync).Produces<List<VerificationOutput>>().ProducesValidationProblem().ProducesProblem(401);
        return group;
    }

    private static async Task<IResult> ListSubscriptionsAsync(string? topic, SubscriptionStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(NullIfEmpty(topic), ct)).Select(s => new SubscriptionOutput(
            s.Id, s.Topic, s.Callback, s.State, s.LeaseSeconds, s.ExpiresAt, s.VerifiedAt, !string.IsNullOrEmpty(s.Secret), s.CreatedAt, s.UpdatedAt)).ToList());

    private static async Task<IResult> ListDeliveriesAsync(string? topic, string? limit, HubLogStore store, CancellationToken ct)
    {
        if (ReadLimit(limit) is not { } count) return LimitProblem();
        return TypedResults.Ok((await store.RecentDeliveriesAsync(NullIfEmpty(topic), count, ct)).Select(d => new DeliveryOutput(
            d.Id, d.Topic, d.Callback, d.Attempt, d.StatusCode, d.Outcome, d.Error, d.DurationMs, d.At)).ToList());
    }

    private static async Task<IResult> ListVerificationsAsync(string? topic, string? limit, HubLogStore store, CancellationToken ct)
    {
        if (ReadLimit(limit) is not { } count) return LimitProblem();
        return TypedResults.Ok((await store.RecentVerificationsAsync(NullIfEmpty(topic), count, ct)).Select(v => new VerificationOutput(
            v.Id, v.Mode, v.Topic, v.Callback, v.LeaseSeconds, v.Outcome, v.StatusCode, v.Error, v.At)).ToList());
    }

    private static int? ReadLimit(string? text) =>
        string.IsNullOrEmpty(text) ? DefaultLimit
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxLimit ? n
        : null;

    private static ValidationProblem LimitProblem() => Problems.Invalid("limit", $"limit must be a whole number from 1 to {MaxLimit} (default {DefaultLimit}).");

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
