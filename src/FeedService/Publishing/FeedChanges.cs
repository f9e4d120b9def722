using FeedService.Categories;
using Quartz;

namespace FeedService.Publishing;

/// <summary>
/// The dirty set between writers and the regeneration job. A write marks its categories dirty and
/// asks for a run; while one run is already requested and not started, further requests are
/// coalesced into it, so a burst of writes costs one regeneration, not one each.
/// </summary>
public sealed class FeedChanges(ISchedulerFactory schedulerFactory) : IContentChanges
{
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _everything;
    private int _runRequested;

    /// <summary>Marks the slugs (and "all") dirty and asks the scheduler to regenerate now.</summary>
    public Task ChangedAsync(IEnumerable<string> slugs, CancellationToken ct = default)
    {
        lock (_lock)
        {
            _dirty.UnionWith(slugs);
            _dirty.Add(Slugs.All);
        }
        return RequestRunAsync(ct);
    }

    /// <summary>Marks every feed dirty and asks the scheduler to regenerate now.</summary>
    public Task EverythingChangedAsync(CancellationToken ct = default)
    {
        lock (_lock) _everything = true;
        return RequestRunAsync(ct);
    }

    private async Task RequestRunAsync(CancellationToken ct)
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
