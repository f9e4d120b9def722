namespace FeedService.Publishing;

/// <summary>What the last regeneration did, for /healthz.</summary>
public sealed class RegenerationStatus
{
    private volatile Snapshot? _last;
    private long _runs;

    /// <summary>One run: <see cref="Changed"/> names at most <see cref="ChangesListed"/> of its <see cref="ChangedCount"/> changed documents.</summary>
    public sealed record Snapshot(long Run, DateTimeOffset At, double DurationMs, int Rendered, IReadOnlyList<string> Changed, string? Error,
        DateTimeOffset? LastSuccessAt, int ChangedCount);

    /// <summary>
    /// How many changed documents a snapshot and the run's log line name: a run after a start-up on a big site changes tens
    /// of thousands (every archive page), which made /healthz megabytes long.
    /// </summary>
    public const int ChangesListed = 50;

    public static IReadOnlyList<string> Listed(List<string> changed) =>
        changed.Count <= ChangesListed ? changed.ToList() : changed.GetRange(0, ChangesListed);

    public Snapshot? Last => _last;

    /// <summary>How many runs have finished since start-up.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    public void Record(Func<long, Snapshot> snapshot) => _last = snapshot(Interlocked.Increment(ref _runs));
}
