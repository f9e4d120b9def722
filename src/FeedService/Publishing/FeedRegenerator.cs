using System.Diagnostics;
using FeedService.Categories;
using FeedService.Options;
using FeedService.Posts;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedService.Publishing;

/// <summary>
/// One regeneration: renders the dirty categories (everything on the first run after start-up,
/// plus any category whose scheduled post went live since the last run) and writes only changed files.
/// </summary>
public sealed class FeedRegenerator(
    FeedChanges changes,
    CategoryStore categories,
    PostStore posts,
    SiteStore site,
    FeedModelBuilder models,
    FeedFiles files,
    RegenerationStatus status,
    ISchedulerFactory schedulerFactory,
    IOptions<FeedsOptions> options,
    TimeProvider clock,
    ILogger<FeedRegenerator> logger) : IDisposable
{
    private static readonly TriggerKey ScheduledPostTrigger = new("scheduled-post", "publishing");
    private DateTimeOffset? _lastRunNow;

    // Quartz never runs the job twice at once; this also covers runs started outside the scheduler.
    private readonly SemaphoreSlim _oneRunAtATime = new(1, 1);

    public async Task RunAsync(CancellationToken ct)
    {
        await _oneRunAtATime.WaitAsync(ct);
        try
        {
            await RunExclusiveAsync(ct);
        }
        finally
        {
            _oneRunAtATime.Release();
        }
    }

    public void Dispose() => _oneRunAtATime.Dispose();

    private async Task RunExclusiveAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var (dirty, everything) = changes.Drain();
        var firstRun = _lastRunNow is null;
        var changed = new List<string>();
        var rendered = 0;
        try
        {
            everything |= firstRun;
            if (firstRun) files.RemoveLeftoverTempFiles();
            else
            {
                var (wentLive, any) = await posts.BecameVisibleAsync(_lastRunNow!.Value, now, ct);
                dirty.UnionWith(wentLive);
                if (any) dirty.Add(Slugs.All);
            }

            var all = await categories.ListAsync(ct);
            var bySlug = all.ToDictionary(c => c.Slug, StringComparer.Ordinal);
            var names = all.ToDictionary(c => c.Slug, c => c.Name, StringComparer.Ordinal);
            IEnumerable<string> targets = everything ? bySlug.Keys.Append(Slugs.All).Concat(files.Slugs()) : dirty;

            foreach (var slug in targets.Distinct().Order(StringComparer.Ordinal))
            {
                ct.ThrowIfCancellationRequested();
                var doc = await ModelAsync(slug, bySlug, names, now, ct);
                if (doc is null)
                {
                    // The category was deleted: its feeds go too (404 from now on).
                    foreach (var ext in FeedFiles.Extensions)
                        if (files.Delete($"{slug}.{ext}")) changed.Add($"-{slug}.{ext}");
                    continue;
                }
                rendered++;
                if (files.WriteIfChanged($"{slug}.rss", FeedWriters.Rss(doc))) changed.Add($"{slug}.rss");
                if (files.WriteIfChanged($"{slug}.atom", FeedWriters.Atom(doc))) changed.Add($"{slug}.atom");
            }

            _lastRunNow = now;
            await ScheduleNextScheduledPostAsync(now, ct);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            status.Record(run => new(run, now, ms, rendered, changed, null, now));
            logger.LogInformation("Regenerated {Rendered} feeds in {ElapsedMs:F1} ms; changed: {Changed}",
                rendered, ms, changed.Count == 0 ? "none" : string.Join(' ', changed));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Nothing is lost: what this run took is put back for the next one, and the last good files stay served.
            changes.Restore(dirty, everything);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            status.Record(run => new(run, now, ms, rendered, changed, e.Message, status.Last?.LastSuccessAt));
            logger.LogError(e, "Regeneration failed after {ElapsedMs:F1} ms; will retry on the next run", ms);
        }
    }

    private async Task<FeedDocument?> ModelAsync(string slug, Dictionary<string, Category> bySlug, Dictionary<string, string> names, DateTimeOffset now, CancellationToken ct)
    {
        var limit = options.Value.ItemsPerFeed;
        if (slug == Slugs.All)
        {
            var (feedId, createdAt) = await site.AllFeedAsync(ct);
            return models.ForAll(feedId, createdAt, await posts.VisibleAsync(null, now, limit, ct), names);
        }
        if (!bySlug.TryGetValue(slug, out var category)) return null;
        return models.ForCategory(category, await posts.VisibleAsync(category.Id, now, limit, ct), names);
    }

    /// <summary>A scheduled post appears by itself: the job is woken at the moment it goes live.</summary>
    private async Task ScheduleNextScheduledPostAsync(DateTimeOffset now, CancellationToken ct)
    {
        var next = await posts.NextScheduledAsync(now, ct);
        var scheduler = await schedulerFactory.GetScheduler(ct);
        // A run that finishes while the service stops has nothing left to schedule for.
        if (await scheduler.GetStatus(ct) is SchedulerStatus.ShuttingDown or SchedulerStatus.Shutdown) return;
        if (next is null)
        {
            await scheduler.UnscheduleJob(ScheduledPostTrigger, ct);
            return;
        }
        var trigger = TriggerBuilder.Create()
            .WithIdentity(ScheduledPostTrigger)
            .ForJob(RegenerateFeedsJob.Key)
            .StartAt(next.Value)
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, ct);
    }
}
