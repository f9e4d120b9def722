using FeedService.Cluster;
using FeedService.Storage;
using Microsoft.Extensions.Options;

namespace FeedService.Aggregation;

/// <summary>
/// A polling round on this node: claim a few due sources, poll them several at once, and again, until nothing is due.
/// Claims (<see cref="SourceStore.ClaimDueAsync"/>) are what let several workers share a round: each source is polled by
/// the one that claimed it, a live worker renews its claims, and a dead one's lapse after ClaimLease and are taken over.
/// The polling job starts a round on its node and signals the other workers (<see cref="Channel"/>) to start theirs.
/// </summary>
public sealed class PollingRound : BackgroundService
{
    /// <summary>Workers hear this and start a round of their own.</summary>
    public const string Channel = "feedservice_poll_due";

    private readonly SourceStore _sources;
    private readonly SourcePoller _poller;
    private readonly ChangeSignals _signals;
    private readonly Node _node;
    private readonly IOptions<AggregationOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<PollingRound> _logger;
    private readonly SemaphoreSlim _running = new(1, 1);
    private int _again;
    private CancellationToken _stopping;

    public PollingRound(SourceStore sources, SourcePoller poller, ChangeSignals signals, Node node, IOptions<AggregationOptions> options, TimeProvider clock,
        ILogger<PollingRound> logger)
    {
        _sources = sources;
        _poller = poller;
        _signals = signals;
        _node = node;
        _options = options;
        _clock = clock;
        _logger = logger;
        // Subscribed in the constructor, before the signals' listener starts (see SharedStateRefresh).
        if (node.IsWorker) signals.Subscribe(Channel, _ => StartInBackground());
    }

    /// <summary>The polling job: a round here, and one on every other worker.</summary>
    public async Task RunEverywhereAsync(CancellationToken ct)
    {
        var here = RunAsync(ct);
        if (_signals.Shared) await _signals.SignalAsync(Channel, ct);
        await here;
    }

    /// <summary>
    /// Polls until nothing due is left to claim. When a round is already running here it is asked to look once more
    /// when it ends, and this returns at once.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (!await _running.WaitAsync(0, ct))
        {
            Interlocked.Exchange(ref _again, 1);
            return;
        }
        try
        {
            do
            {
                Interlocked.Exchange(ref _again, 0);
                await PollDueAsync(ct);
            }
            while (Volatile.Read(ref _again) == 1 && !ct.IsCancellationRequested);
        }
        finally
        {
            _running.Release();
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        return Task.CompletedTask;
    }

    public override void Dispose()
    {
        _running.Dispose();
        base.Dispose();
    }

    private Task StartInBackground()
    {
        _ = Task.Run(async () =>
        {
            try
            {
                await RunAsync(_stopping);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                _logger.LogError(e, "A polling round failed; the next one takes its sources when their claims lapse");
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task PollDueAsync(CancellationToken ct)
    {
        var o = _options.Value;
        var chunk = o.MaxParallelPolls * 2;
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewal = RenewAsync(o.ClaimLease, renewing.Token);
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = o.MaxParallelPolls, CancellationToken = ct };
            while (!ct.IsCancellationRequested)
            {
                var now = _clock.GetUtcNow();
                var claimed = await _sources.ClaimDueAsync(_node.Name, now, now + o.ClaimLease, chunk, ct);
                if (claimed.Count == 0) return;
                await Parallel.ForEachAsync(claimed, parallel, async (source, token) =>
                {
                    // One source's failure never delays or breaks another's.
                    try
                    {
                        await _poller.PollAsync(source, token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                    {
                        _logger.LogError(e, "Polling {SourceUrl} failed unexpectedly", source.Url);
                        await _sources.ReleaseClaimAsync(source.Id, _node.Name, CancellationToken.None);
                    }
                });
            }
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
        }
    }

    /// <summary>Renews this node's claims at a third of the lease while the round runs.</summary>
    private async Task RenewAsync(TimeSpan lease, CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(lease / 3, _clock);
            while (await timer.WaitForNextTickAsync(ct))
                await _sources.RenewClaimsAsync(_node.Name, _clock.GetUtcNow() + lease, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            _logger.LogWarning(e, "Could not renew this node's source claims; sources it has not polled yet may be polled by another worker");
        }
    }
}
