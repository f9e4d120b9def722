namespace FeedService.Aggregation.Fetching;

/// <summary>
/// "One request at a time per host" beyond this process: a turn on a host shared by every node that fetches. The
/// fetcher takes one inside its own per-host gate, so a node asks for at most one turn per host at a time.
/// </summary>
public interface IHostTurns
{
    /// <summary>Waits for the host's turn; dispose the result to hand it on.</summary>
    ValueTask<IAsyncDisposable> EnterAsync(string host, CancellationToken ct);
}

/// <summary>One node: the fetcher's own gate is the whole rule.</summary>
public sealed class LocalHostTurns : IHostTurns, IAsyncDisposable
{
    public static readonly LocalHostTurns Instance = new();

    public ValueTask<IAsyncDisposable> EnterAsync(string host, CancellationToken ct) => ValueTask.FromResult<IAsyncDisposable>(this);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
