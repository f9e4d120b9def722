using FeedService.Options;
using FeedService.Serving;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedService.Publishing;

public static class PublishingSetup
{
    public static IServiceCollection AddPublishing(this IServiceCollection services)
    {
        services.AddSingleton<HtmlContent>();
        services.AddSingleton<WebSub.HubLinks>();
        services.AddSingleton<FeedModelBuilder>();
        services.AddSingleton<FeedFiles>();
        services.AddSingleton<FeedCache>();
        services.AddSingleton<FeedResponder>();
        services.AddSingleton<FeedChanges>();
        services.AddSingleton<FeedRegenerator>();
        services.AddSingleton<RegenerationStatus>();
        services.AddSingleton<SiteStore>();
        services.AddHostedService<RegenerationSchedule>();
        return services;
    }

    public static IQuartzBuilder AddPublishingJobs(this IQuartzBuilder q)
    {
        q.AddJob<RegenerateFeedsJob>(j => j.WithIdentity(RegenerateFeedsJob.Key).StoreDurably().DisallowConcurrentExecution());
        // The first run after start-up renders every feed (the dirty set of a previous process is gone).
        q.RunAtStartup(RegenerateFeedsJob.Key);
        return q;
    }
}

/// <summary>Schedules the periodic regeneration from configuration (read at start, after the options are bound).</summary>
internal sealed class RegenerationSchedule(ISchedulerFactory schedulerFactory, IOptions<FeedsOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var scheduler = await schedulerFactory.GetScheduler(ct);
        var periodic = TriggerBuilder.Create()
            .WithIdentity("regenerate-periodically", "publishing")
            .ForJob(RegenerateFeedsJob.Key)
            .WithSchedule(CronScheduleBuilder.Create(options.Value.RegenerateCron).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
            .Build();
        await scheduler.ScheduleTrigger(periodic, TriggerConflict.Replace, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
