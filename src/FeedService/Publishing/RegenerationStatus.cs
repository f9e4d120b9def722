namespace FeedService.Publishing;

/// <summary>What the last regeneration did, for /healthz.</summary>
public sealed class RegenerationStatus
{
    private volatile Snapshot? _last;
    private long _runs;

    public sealed record Snapshot(long Run, DateTimeOffset At, double DurationMs, int Rendered, IReadOnlyList<string> Changed, string? Error, DateTimeOffset? LastSuccessAt);

    public Snapshot? Last => _last;

    /// <summary>How many runs have finished since start-up.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    public void Record(Func<long, Snapshot> snapshot) => _last = snapshot(Interlocked.Increment(ref _runs));
}
