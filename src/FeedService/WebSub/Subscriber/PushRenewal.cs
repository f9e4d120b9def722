using Microsoft.Extensions.Options;

namespace FeedService.WebSub.Subscriber;

/// <summary>
/// Keeps push subscriptions alive: renews those whose lease ends within RenewBefore, and ends those that lapsed
/// anyway, which sends their sources straight back to polling.
/// </summary>
public sealed class PushRenewal(PushStore store, PushSubscriber subscriber, IOptions<WebSubOptions> options, TimeProvider clock, ILogger<PushRenewal> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    public async Task RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var expired = await store.ExpireLapsedAsync(now, ct);
        if (expired > 0) logger.LogWarning("{Count} push subscriptions lapsed; their sources are polled again", expired);
        // A renewal asked for within the last hour is left to the hub; after that it is asked again.
        foreach (var subscription in await store.EndingBeforeAsync(now + options.Value.RenewBefore, now - TimeSpan.FromHours(1), ct))
            await subscriber.SubscribeAsync(subscription.SourceId, subscription.HubUrl, subscription.TopicUrl, ct, renewing: subscription);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Renewing push subscriptions failed; trying again in {Every}", Every);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
