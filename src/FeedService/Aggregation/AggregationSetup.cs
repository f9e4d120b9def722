using FeedService.Aggregation.Fetching;
using FeedService.Options;
using Microsoft.Extensions.Options;
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
        services.AddSingleton<SourcePoller>();
        services.AddHostedService<PollingSchedule>();
        return services;
    }

    public static IQuartzBuilder AddAggregationJobs(this IQuartzBuilder q)
    {
        q.AddJob<PollSourcesJob>(j => j.WithIdentity(PollSourcesJob.Key).StoreDurably().DisallowConcurrentExecution());
        return q;
    }
}

/// <summary>Schedules the polling job from configuration; each run picks the sources that are due.</summary>
internal sealed class PollingSchedule(ISchedulerFactory schedulerFactory, IOptions<AggregationOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var scheduler = await schedulerFactory.GetScheduler(ct);
        var trigger = TriggerBuilder.Create()
            .WithIdentity("poll-due-sources", "aggregation")
            .ForJob(PollSourcesJob.Key)
            .WithSchedule(CronScheduleBuilder.Create(options.Value.PollCron).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
            .Build();
        await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
