using Quartz;

namespace FeedService.Aggregation;

/// <summary>
/// Polls the sources that are due: a round on the node the trigger fired on, and one on every other worker, which share
/// the due sources by claiming them (<see cref="PollingRound"/>). Never runs twice at once, across the cluster.
/// </summary>
[DisallowConcurrentExecution]
public sealed class PollSourcesJob(PollingRound round) : IJob
{
    public static readonly JobKey Key = new("poll-sources", "aggregation");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await round.RunEverywhereAsync(cancellationToken);
}
