using Dapper;
using FeedService.Categories;
using FeedService.Storage;

namespace FeedService.Publishing;

/// <summary>
/// The dirty set between writers and the regeneration job, kept in the database (dirty_feeds) so a write accepted by
/// any node is rendered by whichever worker runs next. A write marks its categories (and "all") dirty; only when that
/// adds a feed not already waiting does it signal the workers, so a burst of writes costs one run, not one each.
/// </summary>
public sealed class FeedChanges(Db db, ChangeSignals signals, TimeProvider clock) : IContentChanges
{
    /// <summary>Workers hear this channel and start a regeneration run.</summary>
    public const string Channel = "feedservice_feeds_dirty";

    /// <summary>The dirty_feeds row that stands for every feed.</summary>
    private const string Everything = "*";

    private const string Mark = "INSERT INTO dirty_feeds (slug, marked_at) VALUES (@Slug, @At) ON CONFLICT (slug) DO NOTHING RETURNING slug";
    private const string Take = "DELETE FROM dirty_feeds RETURNING slug";

    /// <summary>Marks the slugs (and "all") dirty and, when that is news, asks a worker to regenerate now.</summary>
    public Task ChangedAsync(IEnumerable<string> slugs, CancellationToken ct = default) => MarkAsync(slugs.Append(Slugs.All), ct);

    /// <summary>Marks every feed dirty and asks a worker to regenerate now.</summary>
    public Task EverythingChangedAsync(CancellationToken ct = default) => MarkAsync([Everything], ct);

    private async Task MarkAsync(IEnumerable<string> slugs, CancellationToken ct)
    {
        var added = await InsertAsync(slugs, ct);
        if (added == 0) return;
        try
        {
            await signals.SignalAsync(Channel, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The write and its dirty marks are stored; the periodic run renders them if no worker heard this.
        }
    }

    private async Task<int> InsertAsync(IEnumerable<string> slugs, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var added = 0;
        await using var c = await db.OpenUnsyncedAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        foreach (var slug in slugs.Distinct(StringComparer.Ordinal))
            added += (await c.QueryAsync<string>(new CommandDefinition(Mark, new { Slug = slug, At = at }, tx, cancellationToken: ct))).Count();
        await tx.CommitAsync(ct);
        return added;
    }

    /// <summary>Takes the dirty set for one run. Marks made after this ask for a new run.</summary>
    internal async Task<(HashSet<string> Slugs, bool Everything)> DrainAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var taken = new HashSet<string>(await c.QueryAsync<string>(new CommandDefinition(Take, cancellationToken: ct)), StringComparer.Ordinal);
        return (taken, taken.Remove(Everything));
    }

    /// <summary>Puts back what a failed run took, so the next run retries it.</summary>
    internal Task RestoreAsync(IEnumerable<string> slugs, bool everything, CancellationToken ct) =>
        InsertAsync(everything ? slugs.Append(Everything) : slugs, ct);
}
