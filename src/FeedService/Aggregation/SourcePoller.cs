using FeedService.Aggregation.Fetching;
using Microsoft.Extensions.Options;

namespace FeedService.Aggregation;

/// <summary>The outcome of one poll, as the API shows it.</summary>
public sealed record PollOutcome(
    string Outcome, int? Status, string? Error, int ItemsSeen, int ItemsAdded, int ItemsUpdated,
    IReadOnlyList<string> Problems, DateTimeOffset NextPollAt, string? DisabledReason, string FeedUrl);

/// <summary>
/// A poll of one source: fetch with the stored validators, then the <see cref="Ingest"/> path; then records the outcome
/// and when to poll next. Pushes and new sources come through <see cref="ApplyAsync"/> with what they read.
/// </summary>
public sealed class SourcePoller(
    FeedFetcher fetcher,
    Ingest ingest,
    SourceStore sources,
    IPushSubscriptions push,
    IOptions<AggregationOptions> options,
    TimeProvider clock,
    ILogger<SourcePoller> logger)
{
    public async Task<PollOutcome> PollAsync(Source source, CancellationToken ct)
    {
        var fetch = await fetcher.FetchAsync(new FetchRequest(new Uri(source.Url), source.ETag, source.LastModified), ct);
        return await ApplyAsync(source, await ingest.ReadAsync(fetch, discover: false, ct), ct);
    }

    /// <summary>
    /// Stores what a fetch (or, when <paramref name="pushed"/>, a hub's delivery) brought and records it. Never throws
    /// for a remote failure. While a push subscription is live the source is polled only as a safety net.
    /// </summary>
    public async Task<PollOutcome> ApplyAsync(Source source, IngestRead read, CancellationToken ct, bool pushed = false)
    {
        var now = clock.GetUtcNow();
        var o = options.Value;
        var interval = NextPoll.IntervalOf(source, o);
        if (await push.PushedPollIntervalAsync(source, pushed, now, ct) is { } safetyNet)
            interval = TimeSpan.FromTicks(Math.Max(interval.Ticks, safetyNet.Ticks));
        var (fetch, feed, error) = (read.Fetch, read.Feed, read.Error);
        var succeeded = fetch.Outcome == FetchOutcome.NotModified || (fetch.Outcome == FetchOutcome.Ok && feed is not null);
        var ingested = new IngestResult(0, 0, 0);
        if (succeeded && feed is not null)
        {
            ingested = await ingest.StoreAsync(source, feed, ct);
            if (!pushed) await push.FeedPolledAsync(source, feed, ct);
        }

        string? disabled = null;
        TimeSpan delay;
        var failures = succeeded ? 0 : source.ConsecutiveFailures + 1;
        if (succeeded)
        {
            delay = NextPoll.AfterSuccess(interval, feed?.Ttl, fetch.MaxAge, fetch.Expires, fetch.RetryAfter, now, o);
        }
        else
        {
            delay = NextPoll.AfterFailure(interval, failures, fetch.RetryAfter, Random.Shared.NextDouble(), o);
            if (fetch.Outcome == FetchOutcome.Gone) disabled = "the server answered 410 Gone: the feed was removed";
            else if (failures >= o.MaxConsecutiveFailures) disabled = $"{failures} failures in a row; the last: {error}";
        }

        var outcome = fetch.Outcome == FetchOutcome.Ok && feed is null ? "NotAFeed" : pushed ? "Pushed" : fetch.Outcome.ToString();
        var nextPollAt = now + delay;
        // 304 carries no new body; keep the stored validators unless the server sent fresh ones.
        var validatorsChanged = fetch.Outcome == FetchOutcome.Ok || fetch.ETag is not null || fetch.LastModified is not null;
        await sources.RecordPollAsync(source.Id, new PollRecord(
            now, fetch.StatusCode, outcome, succeeded ? null : error,
            fetch.PermanentUrl?.AbsoluteUri, feed?.Title, feed?.Link, feed?.Format,
            fetch.ETag, fetch.LastModified, validatorsChanged && succeeded && !pushed,
            ingested.Seen, ingested.Added, ingested.Updated, succeeded, nextPollAt, disabled), ct);

        if (succeeded)
            logger.LogInformation("Polled {SourceUrl}: {Outcome}, {Seen} items, {Added} added, {Updated} updated; next at {NextPollAt:O}",
                source.Url, outcome, ingested.Seen, ingested.Added, ingested.Updated, nextPollAt);
        else
            logger.LogWarning("Polling {SourceUrl} failed ({Outcome}, {Failures} in a row): {Error}; next at {NextPollAt:O}{Disabled}",
                source.Url, outcome, failures, error, nextPollAt, disabled is null ? "" : "; disabled: " + disabled);

        return new PollOutcome(outcome, fetch.StatusCode, succeeded ? null : error, ingested.Seen, ingested.Added, ingested.Updated,
            feed?.Problems ?? [], nextPollAt, disabled, fetch.PermanentUrl?.AbsoluteUri ?? source.Url);
    }
}
