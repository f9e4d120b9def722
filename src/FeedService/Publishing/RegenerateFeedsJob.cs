using Quartz;

namespace FeedService.Publishing;

/// <summary>Writes the feed files of the categories whose content changed. Never runs twice at once.</summary>
[DisallowConcurrentExecution]
public sealed class RegenerateFeedsJob(FeedRegenerator regenerator) : IJob
{
    public static readonly JobKey Key = new("regenerate-feeds", "publishing");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await regenerator.RunAsync(cancellationToken);
}
