using System.Diagnostics;

namespace FeedService.Aggregation.Fetching;

/// <summary>
/// The whole-fetch time limit (TimeoutSeconds), spent only while talking to servers: every hop draws on it, but the
/// time spent queueing for a host's turn does not, so a source is never failed for a timeout it did not cause.
/// </summary>
/// <remarks>
/// Measured on the real monotonic clock, not the injected TimeProvider: this limit is about sockets, which live in
/// real time (as does SocketsHttpHandler's ConnectTimeout). A fake clock in a polling test must neither freeze a
/// fetch forever nor time it out by jumping ahead hours.
/// </remarks>
internal sealed class TimeBudget(TimeSpan total)
{
    private TimeSpan _spent;

    public TimeSpan Total => total;

    public TimeSpan Remaining => total - _spent;

    /// <summary>Starts spending; dispose the result to stop. Its token fires when the budget runs out or the caller cancels.</summary>
    public Spending Start(CancellationToken callerToken) => new(this, callerToken);

    internal sealed class Spending : IDisposable
    {
        private readonly TimeBudget _budget;
        private readonly CancellationTokenSource _cts;
        private readonly long _started = Stopwatch.GetTimestamp();

        public Spending(TimeBudget budget, CancellationToken callerToken)
        {
            _budget = budget;
            _cts = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
            _cts.CancelAfter(budget.Remaining > TimeSpan.Zero ? budget.Remaining : TimeSpan.Zero);
        }

        public CancellationToken Token => _cts.Token;

        public void Dispose()
        {
            _budget._spent += Stopwatch.GetElapsedTime(_started);
            _cts.Dispose();
        }
    }
}
