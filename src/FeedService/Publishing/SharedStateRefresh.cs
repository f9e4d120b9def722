using FeedService.Cluster;
using FeedService.Storage;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedService.Publishing;

/// <summary>
/// Keeps this node in step with the others on the same database. A worker starts a regeneration run when a write marks
/// feeds dirty (<see cref="FeedChanges.Channel"/>, on any node). On PostgreSQL every node loads the documents and
/// archives another node published when it hears of them (<see cref="DocumentStore.Channel"/>), and checks anyway every
/// FeedService:Feeds:SharedRefreshInterval in case a signal was lost.
/// </summary>
public sealed class SharedStateRefresh : BackgroundService
{
    private readonly DocumentStore _documents;
    private readonly ArchiveSync _archive;
    private readonly SiteStore _site;
    private readonly Db _db;
    private readonly IServiceProvider _services;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly ILogger<SharedStateRefresh> _logger;

    // Subscribed here, in the constructor: the host builds every hosted service before it starts the first, so the
    // signals' listener knows every channel when it starts.
    public SharedStateRefresh(ChangeSignals signals, Node node, DocumentStore documents, ArchiveSync archive, SiteStore site, Db db,
        IServiceProvider services, IOptions<FeedsOptions> options, TimeProvider clock, ILogger<SharedStateRefresh> logger)
    {
        _documents = documents;
        _archive = archive;
        _site = site;
        _db = db;
        _services = services;
        _interval = options.Value.SharedRefreshInterval;
        _clock = clock;
        _logger = logger;
        if (node.IsWorker) signals.Subscribe(FeedChanges.Channel, RegenerateAsync);
        if (db.Provider == StorageProvider.Postgres) signals.Subscribe(DocumentStore.Channel, RefreshAsync);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_db.Provider != StorageProvider.Postgres) return;
        using var timer = new PeriodicTimer(_interval, _clock);
        try
        {
            do
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    _logger.LogWarning(e, "Checking the database for other nodes' publications failed; retrying in {Interval}", _interval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        var regenerated = await _site.RegeneratedAtAsync(ct) is not null;
        await _documents.RefreshAsync(ct);
        await _archive.RefreshAsync(regenerated, ct);
    }

    private async Task RegenerateAsync(CancellationToken ct)
    {
        try
        {
            var scheduler = await _services.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);
            await scheduler.TriggerJob(RegenerateFeedsJob.Key, null, ct);
        }
        catch (SchedulerException) when (!ct.IsCancellationRequested)
        {
            // The scheduler is stopping. The marks are stored; the first run after the next start renders everything.
        }
    }
}
