using System.Collections.Concurrent;

namespace FeedService.Aggregation.Fetching;

/// <summary>
/// One request at a time per host, so many sources on one site never hit it in parallel; different hosts proceed
/// independently.
/// </summary>
/// <remarks>
/// Keyed by host name alone, not host:port: politeness is owed to the machine, and the same site on :80 and :443 (or
/// on an alternate port) is the same machine. The price is that sources served from different ports of one host
/// (typical only in tests, all on 127.0.0.1) are fetched one after another. Names are compared case-insensitively
/// (Uri already lower-cases them). One gate per distinct host stays for the life of the fetcher: the set is bounded
/// by the number of sources and redirect targets, and a gate is a few dozen bytes.
/// </remarks>
internal sealed class HostGates
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Waits for the host's turn; dispose the result to hand the turn on.</summary>
    public async Task<IDisposable> EnterAsync(Uri url, CancellationToken ct)
    {
        var gate = _gates.GetOrAdd(url.IdnHost, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Turn(gate);
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
