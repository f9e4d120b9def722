using FeedService.Cluster;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedService.Scheduling;

/// <summary>
/// Puts a job on a cron schedule read from options when the app starts (after configuration is bound, which Quartz's
/// own registration callbacks run before). Misfires are skipped: the next tick does the same work. With a clustered
/// store the trigger is shared: a node leaves it alone when it already has this cron, so a restart or a deploy never
/// moves or re-fires it. Web-only nodes run no jobs and schedule nothing.
/// </summary>
internal sealed class CronSchedule(IServiceProvider services, TriggerKey trigger, JobKey job, Func<string> cron) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (!services.GetRequiredService<Node>().IsWorker) return;
        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);
        if (await scheduler.GetTrigger(trigger, ct) is ICronTrigger existing && existing.CronExpressionString == cron() && existing.JobKey.Equals(job)) return;
        var periodic = TriggerBuilder.Create()
            .WithIdentity(trigger)
            .ForJob(job)
            .WithSchedule(CronScheduleBuilder.Create(cron()).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
            .Build();
        await scheduler.ScheduleTrigger(periodic, TriggerConflict.Replace, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Schedules <paramref name="job"/> by the cron expression that <paramref name="cron"/> reads from the bound options.</summary>
    // Not AddHostedService: it registers one hosted service per implementation type, and there is one CronSchedule per job.
    public static IServiceCollection Add<TOptions>(IServiceCollection services, TriggerKey trigger, JobKey job, Func<TOptions, string> cron)
        where TOptions : class =>
        services.AddSingleton<IHostedService>(sp => new CronSchedule(sp, trigger, job,
            () => cron(sp.GetRequiredService<IOptions<TOptions>>().Value)));
}
