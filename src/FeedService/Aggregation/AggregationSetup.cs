using FeedService.Aggregation.Fetching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace FeedService.Aggregation;

public static class AggregationSetup
{
    public static IServiceCollection AddAggregation(this IServiceCollection services)
    {
        // On a shared database, one request at a time per host holds across every worker.
        services.TryAddSingleton<IHostTurns>(sp => sp.GetRequiredService<Storage.Db>().Provider == Storage.StorageProvider.Postgres
            ? ActivatorUtilities.CreateInstance<DatabaseHostTurns>(sp)
            : LocalHostTurns.Instance);
        services.AddFeedFetching();
        services.AddSingleton<SourceStore>();
        services.AddSingleton<EntryStore>();
        services.AddSingleton<EntryNormalizer>();
        services.AddSingleton<Ingest>();
        services.AddSingleton<SourcePoller>();
        services.AddSingleton<PollingRound>();
        services.AddHostedService(sp => sp.GetRequiredService<PollingRound>());
        // Sources are only polled unless WebSub registers its subscriber.
        services.TryAddSingleton<IPushSubscriptions, NoPush>();
        // Each run of the polling job picks the sources that are due.
        Scheduling.CronSchedule.Add<AggregationOptions>(services, new TriggerKey("poll-due-sources", "aggregation"), PollSourcesJob.Key,
            o => o.PollCron);
        return services;
    }

    public static IQuartzBuilder AddAggregationJobs(this IQuartzBuilder q)
    {
        q.AddJob<PollSourcesJob>(j => j.WithIdentity(PollSourcesJob.Key).StoreDurably().DisallowConcurrentExecution());
        return q;
    }
}
