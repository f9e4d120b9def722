using FeedService.Cluster;
using FeedService.Storage;
using Quartz;

namespace FeedService.Scheduling;

public static class SchedulingSetup
{
    /// <summary>Quartz's name for the scheduler every worker on one PostgreSQL database shares (FeedService:Cluster:SchedulerName).</summary>
    public const string SchedulerNameKey = "FeedService:Cluster:SchedulerName";

    /// <summary>
    /// Quartz, on Worker nodes only (a Web node runs no jobs). On SQLite its schedule lives in memory: one node. On
    /// PostgreSQL every worker shares one clustered, persistent job store (tables from our migration 0010): each trigger
    /// fires on one node, [DisallowConcurrentExecution] holds across nodes, and a dead node's firings are recovered by
    /// another once it misses its check-ins. <paramref name="jobs"/> adds each folder's jobs.
    /// </summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services, IConfiguration configuration, Node node, Action<IQuartzBuilder> jobs)
    {
        if (!node.IsWorker) return services;
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        services.AddQuartz(q =>
        {
            if (storage.Provider == StorageProvider.Postgres && !string.IsNullOrWhiteSpace(storage.ConnectionString))
            {
                q.ConfigureScheduler(o =>
                {
                    o.InstanceName = configuration[SchedulerNameKey] is { Length: > 0 } name ? name : "FeedService";
                    // The node's name: unique in the cluster, and a restarted node recovers what it left itself.
                    o.InstanceId = node.Name;
                });
                q.UsePersistentStore(s =>
                {
                    s.UsePostgres(storage.ConnectionString);
                    s.UseSystemTextJsonSerializer();
                    // A dead worker's firings are taken over about CheckinInterval + CheckinMisfireThreshold after its last check-in.
                    s.UseClustering(c =>
                    {
                        c.CheckinInterval = TimeSpan.FromSeconds(5);
                        c.CheckinMisfireThreshold = TimeSpan.FromSeconds(10);
                    });
                    // Which node ran each firing, readable from any node (qrtz_execution_history).
                    s.UseExecutionHistory();
                });
            }
            else
            {
                // Scheduler names are process-wide in Quartz; a unique one lets several apps share a process (tests).
                q.ConfigureScheduler(o => o.InstanceName = $"FeedService-{Guid.NewGuid():N}");
            }
            q.AddJobListener<JobRunLog>(GroupMatcher<JobKey>.AnyGroup());
            jobs(q);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
