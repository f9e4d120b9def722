using FeedService.Aggregation.Fetching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace FeedService.Aggregation;

public static class AggregationSetup
{
    public static IServiceCollection AddAggregation(this IServiceCollection services)
    {
        services.AddFeedFetching();
        services.AddSingleton<SourceStore>();
        services.AddSingleton<EntryStore>();
        services.AddSingleton<EntryNormalizer>();
        services.AddSingleton<Ingest>();
        services.AddSingleton<SourcePoller>();
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
