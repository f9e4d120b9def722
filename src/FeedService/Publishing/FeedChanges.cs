using Quartz;

namespace FeedService.Publishing;

/// <summary>
/// The dirty set between writers and the regeneration job. A write marks its categories dirty and
/// asks for a run; while one run is already requested and not started, further requests are
/// coalesced into it, so a burst of writes costs one regeneration, not one each.
/// </summary>
public sealed class FeedChanges(ISchedulerFactory schedulerFactory)
{
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _everything;
    private int _runRequested;

    public void MarkDirty(IEnumerable<string> slugs)
    {
        lock (_lock)
        {
            _dirty.UnionWith(slugs);
            _dirty.Add(Categories.Slugs.All);
        }
    }

    public void MarkEverythingDirty()
    {
        lock (_lock) _everything = true;
    }

    /// <summary>Marks the slugs dirty and asks the scheduler to regenerate now.</summary>
    public Task ChangedAsync(IEnumerable<string> slugs, CancellationToken ct = default)
    {
        MarkDirty(slugs);
        return RequestRunAsync(ct);
    }

    public async Task RequestRunAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _runRequested, 1) == 1) return;
        try
        {
            var scheduler = await schedulerFactory.GetScheduler(ct);
            await scheduler.TriggerJob(RegenerateFeedsJob.Key, null, ct);
        }
        catch (SchedulerException) when (!ct.IsCancellationRequested)
        {
            // The service is stopping. The write is stored; the first run after the next start renders everything.
        }
    }

    /// <summary>Takes the dirty set for one run. Requests made after this start a new run.</summary>
    internal (HashSet<string> Slugs, bool Everything) Drain()
    {
        Interlocked.Exchange(ref _runRequested, 0);
        lock (_lock)
        {
            var taken = (new HashSet<string>(_dirty, StringComparer.Ordinal), _everything);
            _dirty.Clear();
            _everything = false;
            return taken;
        }
    }

    /// <summary>Puts back what a failed run took, so the next run retries it.</summary>
    internal void Restore(IEnumerable<string> slugs, bool everything)
    {
        lock (_lock)
        {
            _dirty.UnionWith(slugs);
            _everything |= everything;
        }
    }
}
