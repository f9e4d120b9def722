using Microsoft.Extensions.Options;
using Quartz;

namespace FeedService.Aggregation;

/// <summary>Polls the sources that are due, several at once (the fetcher keeps it to one request at a time per host).</summary>
[DisallowConcurrentExecution]
public sealed class PollSourcesJob(SourceStore sources, SourcePoller poller, IOptions<AggregationOptions> options, TimeProvider clock, ILogger<PollSourcesJob> logger) : IJob
{
    public static readonly JobKey Key = new("poll-sources", "aggregation");

    /// <summary>Sources taken per run; the rest are due again at the next run.</summary>
    private const int BatchSize = 5000;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var due = await sources.DueAsync(clock.GetUtcNow(), BatchSize, cancellationToken);
        if (due.Count == 0) return;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxParallelPolls, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(due, parallel, async (source, ct) =>
        {
            // One source's failure never delays or breaks another's.
            try
            {
                await poller.PollAsync(source, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogError(e, "Polling {SourceUrl} failed unexpectedly", source.Url);
            }
        });
    }
}
