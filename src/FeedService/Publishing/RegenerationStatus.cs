namespace FeedService.Publishing;

/// <summary>What the last regeneration did, for /healthz.</summary>
public sealed class RegenerationStatus
{
    private volatile Snapshot? _last;

    public sealed record Snapshot(DateTimeOffset At, double DurationMs, int Rendered, IReadOnlyList<string> Changed, string? Error, DateTimeOffset? LastSuccessAt);

    public Snapshot? Last => _last;

    public void Record(Snapshot snapshot) => _last = snapshot;
}
