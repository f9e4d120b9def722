using System.Threading.Channels;

namespace FeedService.WebSub.Hub;

/// <summary>
/// Records delivery attempts without slowing them: entries are queued and written in batches, one transaction per
/// batch (a thousand concurrent single-row commits would serialize every delivery on SQLite's write lock).
/// </summary>
public sealed class DeliveryLog(HubLogStore store, ILogger<DeliveryLog> logger) : BackgroundService
{
    /// <summary>Entries waiting beyond this are dropped (and counted in the log): the history is for looking, not accounting.</summary>
    private const int MaxQueued = 100_000;

    private const int BatchSize = 1_000;

    private readonly Channel<DeliveryEntry> _queue = Channel.CreateBounded<DeliveryEntry>(
        new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private long _dropped;

    public void Add(DeliveryEntry entry)
    {
        // TryWrite never waits: when the queue is full the entry is dropped.
        if (!_queue.Writer.TryWrite(entry)) Interlocked.Increment(ref _dropped);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
                while (await FlushAsync(CancellationToken.None) > 0) { }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Bounded: at most as many batches as the queue holds.
        for (var i = 0; i < MaxQueued / BatchSize + 1 && await FlushAsync(cancellationToken) > 0; i++) { }
    }

    /// <summary>Writes up to one batch; returns how many entries it took.</summary>
    private async Task<int> FlushAsync(CancellationToken ct)
    {
        var batch = new List<DeliveryEntry>();
        while (batch.Count < BatchSize && _queue.Reader.TryRead(out var entry)) batch.Add(entry);
        if (batch.Count == 0) return 0;
        try
        {
            await store.AddDeliveriesAsync(batch, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(e, "Could not record {Count} WebSub deliveries", batch.Count);
        }
        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
            logger.LogWarning("Dropped {Count} WebSub delivery records: more were queued than could be written", dropped);
        return batch.Count;
    }
}
