using FeedService.Aggregation.Fetching;
using FeedService.Aggregation.Parsing;
using FeedService.Options;
using FeedService.Publishing;
using Microsoft.Extensions.Options;

namespace FeedService.Aggregation;

/// <summary>The outcome of one poll, as the API shows it.</summary>
public sealed record PollOutcome(
    string Outcome, int? Status, string? Error, int ItemsSeen, int ItemsAdded, int ItemsUpdated,
    IReadOnlyList<string> Problems, DateTimeOffset NextPollAt, string? DisabledReason, string FeedUrl);

/// <summary>fetch → parse → sanitize → dedupe → store, for one source; then records the outcome and when to poll next.</summary>
public sealed class SourcePoller(
    FeedFetcher fetcher,
    SourceStore sources,
    EntryStore entries,
    EntryNormalizer normalizer,
    FeedChanges changes,
    WebSub.Subscriber.PushStore pushes,
    WebSub.Subscriber.PushSubscriber subscriber,
    IOptions<AggregationOptions> options,
    IOptions<WebSubOptions> websub,
    TimeProvider clock,
    ILogger<SourcePoller> logger)
{
    public async Task<PollOutcome> PollAsync(Source source, CancellationToken ct)
    {
        var fetch = await fetcher.FetchAsync(new FetchRequest(new Uri(source.Url), source.ETag, source.LastModified), ct);
        var parsed = fetch.Outcome == FetchOutcome.Ok ? Parse(fetch) : null;
        return await ApplyAsync(source, fetch, parsed, ct);
    }

    /// <summary>Reads a fetched body; a page of HTML where a feed was expected is an error, not an empty feed.</summary>
    public static ParseResult Parse(FetchResult fetch)
    {
        if (FeedDiscovery.LooksLikeHtml(fetch.Body!, fetch.ContentType))
            return new ParseResult(null, "the URL serves an HTML page, not a feed");
        return FeedParser.Parse(fetch.Body!, fetch.ContentType, fetch.FinalUrl);
    }

    /// <summary>
    /// Stores what a fetch (or, when <paramref name="pushed"/>, a hub's delivery) brought and records it. Never throws
    /// for a remote failure. While a push subscription is live the source is polled only as a safety net.
    /// </summary>
    public async Task<PollOutcome> ApplyAsync(Source source, FetchResult fetch, ParseResult? parsed, CancellationToken ct, bool pushed = false)
    {
        var now = clock.GetUtcNow();
        var o = options.Value;
        var interval = NextPoll.IntervalOf(source, o);
        var push = await pushes.OfSourceAsync(source.Id, ct);
        if (pushed || push?.IsLiveAt(now) == true)
            interval = TimeSpan.FromTicks(Math.Max(interval.Ticks, websub.Value.PushSafetyPollInterval.Ticks));
        var feed = parsed?.Feed;
        var error = fetch.Error ?? parsed?.Error;
        var succeeded = fetch.Outcome == FetchOutcome.NotModified || (fetch.Outcome == FetchOutcome.Ok && feed is not null);
        var ingest = new IngestResult(0, 0, 0);
        if (succeeded && feed is not null)
        {
            // Only entries that are new or changed upstream are sanitized and stored: sanitizing is most of a poll's work,
            // and an entry stored with the same hash would be left as it is anyway. The first of two same-key entries wins.
            var identified = feed.Items.Select(i => (Item: i, Key: EntryNormalizer.KeyOf(i), Hash: EntryNormalizer.HashOf(i)))
                .DistinctBy(e => e.Key).ToList();
            var stored = await entries.StoredHashesAsync(source.Id, identified.Select(e => e.Key), ct);
            var incoming = identified.Where(e => !(stored.TryGetValue(e.Key, out var hash) && hash == e.Hash))
                .Select(e => normalizer.Normalize(e.Item, e.Key, e.Hash, now)).ToList();
            var (added, updated) = await entries.IngestAsync(source, feed.Title ?? source.Title, incoming, now, ct);
            ingest = new IngestResult(feed.Items.Count, added, updated);
            if (ingest.Added + ingest.Updated > 0) await changes.ChangedAsync(source.Categories, ct);
            if (!pushed) await subscriber.EnsureSubscribedAsync(source, feed, ct);
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
#pragma warning disable CA5394 // jitter that spreads retries, not a secret
            delay = NextPoll.AfterFailure(interval, failures, fetch.RetryAfter, Random.Shared.NextDouble(), o);
#pragma warning restore CA5394
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
            ingest.Seen, ingest.Added, ingest.Updated, succeeded, nextPollAt, disabled), ct);

        if (succeeded)
            logger.LogInformation("Polled {SourceUrl}: {Outcome}, {Seen} items, {Added} added, {Updated} updated; next at {NextPollAt:O}",
                source.Url, outcome, ingest.Seen, ingest.Added, ingest.Updated, nextPollAt);
        else
            logger.LogWarning("Polling {SourceUrl} failed ({Outcome}, {Failures} in a row): {Error}; next at {NextPollAt:O}{Disabled}",
                source.Url, outcome, failures, error, nextPollAt, disabled is null ? "" : "; disabled: " + disabled);

        return new PollOutcome(outcome, fetch.StatusCode, succeeded ? null : error, ingest.Seen, ingest.Added, ingest.Updated,
            feed?.Problems ?? [], nextPollAt, disabled, fetch.PermanentUrl?.AbsoluteUri ?? source.Url);
    }
}
