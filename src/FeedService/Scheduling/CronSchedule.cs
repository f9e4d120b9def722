using Microsoft.Extensions.Options;
using Quartz;

namespace FeedService.Scheduling;

/// <summary>
/// Puts a job on a cron schedule read from options when the app starts (after configuration is bound, which Quartz's
/// own registration callbacks run before). Misfires are skipped: the next tick does the same work.
/// </summary>
internal sealed class CronSchedule(ISchedulerFactory schedulerFactory, TriggerKey trigger, JobKey job, Func<string> cron) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var scheduler = await schedulerFactory.GetScheduler(ct);
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
        services.AddSingleton<IHostedService>(sp => new CronSchedule(sp.GetRequiredService<ISchedulerFactory>(), trigger, job,
            () => cron(sp.GetRequiredService<IOptions<TOptions>>().Value)));
}
