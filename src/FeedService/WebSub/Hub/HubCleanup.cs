namespace FeedService.WebSub.Hub;

/// <summary>
/// Removes expired leases (and pending requests whose verification never ended) and trims the delivery and
/// verification history, at start and then every minute on the injected clock. Expired subscriptions receive nothing
/// even before they are removed: deliveries only go to unexpired ones.
/// </summary>
public sealed class HubCleanup(SubscriptionStore subscriptions, HubLogStore history, TimeProvider clock, ILogger<HubCleanup> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>A verification takes at most RequestTimeoutSeconds; a request pending this long lost it to a restart.</summary>
    public static readonly TimeSpan StalePending = TimeSpan.FromHours(1);

    /// <summary>History kept: the last week, and at most this many rows of each kind.</summary>
    public static readonly TimeSpan HistoryAge = TimeSpan.FromDays(7);

    public const int HistoryRows = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        try
        {
            var expired = await subscriptions.RemoveExpiredAsync(now, now - StalePending, ct);
            var trimmed = await history.PruneAsync(now - HistoryAge, HistoryRows, ct);
            if (expired > 0 || trimmed > 0)
                logger.LogInformation("WebSub hub cleanup removed {Expired} expired subscriptions and {Trimmed} history rows", expired, trimmed);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(e, "WebSub hub cleanup failed; it runs again in {Interval}", Interval);
        }
    }
}
