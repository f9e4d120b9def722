using FeedService.Aggregation.Parsing;

namespace FeedService.Aggregation;

/// <summary>
/// What polling asks of push (WebSub's subscriber side, which implements it). Without it, sources are only polled.
/// </summary>
public interface IPushSubscriptions
{
    /// <summary>
    /// How long polling may wait when the source is pushed to us: the safety-net interval while a push subscription of it
    /// is live (or when <paramref name="pushed"/>: a hub just delivered), else null.
    /// </summary>
    Task<TimeSpan?> PushedPollIntervalAsync(Source source, bool pushed, DateTimeOffset now, CancellationToken ct);

    /// <summary>A poll read the source's feed: subscribe when it names a hub and no subscription is live or pending.</summary>
    Task FeedPolledAsync(Source source, ParsedFeed feed, CancellationToken ct);
}

/// <summary>No push: every source is polled on its own schedule.</summary>
internal sealed class NoPush : IPushSubscriptions
{
    public Task<TimeSpan?> PushedPollIntervalAsync(Source source, bool pushed, DateTimeOffset now, CancellationToken ct) => Task.FromResult<TimeSpan?>(null);

    public Task FeedPolledAsync(Source source, ParsedFeed feed, CancellationToken ct) => Task.CompletedTask;
}
