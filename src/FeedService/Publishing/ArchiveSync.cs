using System.Text.Json;
using Dapper;
using FeedService.Storage;

namespace FeedService.Publishing;

/// <summary>
/// Keeps the <see cref="ArchiveIndex"/> and the database's feed_archives in step: a run saves what it published
/// (<see cref="SaveAsync"/>), and every node loads what another node saved (<see cref="RefreshAsync"/>).
/// </summary>
public sealed class ArchiveSync(ArchiveIndex index, Db db) : IDisposable
{
    private const string SelectVersions = "SELECT slug AS Slug, publication AS Publication FROM feed_archives";
    private const string SelectFeeds = "SELECT slug AS Slug, publication AS Publication, feed AS Json FROM feed_archives WHERE slug ";
    private const string Upsert = """
        INSERT INTO feed_archives (slug, publication, feed) VALUES (@Slug, @Publication, @Json)
        ON CONFLICT (slug) DO UPDATE SET publication = excluded.publication, feed = excluded.feed
        """;
    private const string Delete = "DELETE FROM feed_archives WHERE slug = @Slug";

    private sealed record Saved(string Slug, long Publication, string Json);

    private sealed record Version(string Slug, long Publication);

    // What the database holds as this node last saved or loaded it: each feed's publication and JSON.
    private readonly Dictionary<string, (long Publication, string Json)> _saved = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sync = new(1, 1);

    /// <summary>Saves the archives this run published or removed, where they differ from what the database holds.</summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            var writes = new List<(string Slug, string? Json)>();
            foreach (var (slug, feed) in index.TakeUnsaved())
            {
                var json = feed is null ? null : JsonSerializer.Serialize(feed);
                if (json != (_saved.TryGetValue(slug, out var s) ? s.Json : null)) writes.Add((slug, json));
            }
            if (writes.Count == 0) return;
            await using var c = await db.OpenAsync(ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            var publication = await Publications.NextAsync(c, tx, ct);
            foreach (var (slug, json) in writes)
            {
                await c.ExecuteAsync(json is null
                    ? new CommandDefinition(Delete, new { Slug = slug }, tx, cancellationToken: ct)
                    : new CommandDefinition(Upsert, new { Slug = slug, Publication = publication, Json = json }, tx, cancellationToken: ct));
            }
            await tx.CommitAsync(ct);
            foreach (var (slug, json) in writes)
            {
                if (json is null) _saved.Remove(slug);
                else _saved[slug] = (publication, json);
            }
        }
        finally
        {
            _sync.Release();
        }
    }

    /// <summary>
    /// Loads the archives saved by another node since this one last looked (publication numbers are compared first). With
    /// <paramref name="regenerated"/> (some node has finished a run), the index counts as published.
    /// </summary>
    public async Task RefreshAsync(bool regenerated, CancellationToken ct)
    {
        await _sync.WaitAsync(ct);
        try
        {
            await using var c = await db.OpenAsync(ct);
            var versions = (await c.QueryAsync<Version>(new CommandDefinition(SelectVersions, cancellationToken: ct))).ToList();
            var present = versions.Select(v => v.Slug).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _saved.Keys.Where(s => !present.Contains(s)).ToList())
            {
                _saved.Remove(gone);
                index.Load(gone, null);
            }
            var stale = versions.Where(v => !_saved.TryGetValue(v.Slug, out var s) || s.Publication != v.Publication).Select(v => v.Slug).ToList();
            if (stale.Count > 0)
            {
                var rows = await c.QueryAsync<Saved>(new CommandDefinition(SelectFeeds + db.Sql.In("@Slugs"), new { Slugs = stale }, cancellationToken: ct));
                foreach (var row in rows)
                {
                    index.Load(row.Slug, JsonSerializer.Deserialize<ArchiveIndex.Feed>(row.Json));
                    _saved[row.Slug] = (row.Publication, row.Json);
                }
            }
            if (regenerated) index.MarkReady();
        }
        finally
        {
            _sync.Release();
        }
    }

    public void Dispose() => _sync.Dispose();
}
