using FeedService.Cluster;
using Quartz;

namespace FeedService.Scheduling;

/// <summary>
/// One log line per job run, as it starts, naming the trigger, its scheduled time and this node: on a cluster, the
/// proof (tests/cluster) that every firing ran on exactly one node, and for an operator, which node did what.
/// </summary>
internal sealed class JobRunLog(Node node, ILogger<JobRunLog> logger) : IJobListener
{
    public string Name => "feedservice-job-run-log";

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        logger.LogInformation("Job {Job} fired by trigger {Trigger} scheduled {Scheduled:O} on node {Node} (fire {FireInstanceId})",
            context.JobDetail.Key, context.Trigger.Key, context.ScheduledFireTimeUtc ?? context.FireTimeUtc, node.Name, context.FireInstanceId);
        return ValueTask.CompletedTask;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;
}
