using Dapper;
using FeedService.Posts;
using FeedService.Storage;

namespace FeedService.Aggregation;

/// <summary>An upstream entry ready to store: sanitized, its identity and content hash computed.</summary>
public sealed record IncomingEntry(
    string Key, string ContentHash, string Title, string Summary, string Content, string? Author, string? Link,
    DateTimeOffset Published, DateTimeOffset? Updated);

/// <summary>Stores a source's entries as posts: one post per upstream identity, updated in place when the entry changes.</summary>
public sealed class EntryStore(Db db, PostIds ids)
{
    private const string SelectTombstone = "SELECT COUNT(*) FROM source_tombstones WHERE source_id = @SourceId AND entry_key = @Key";

    private const string SelectExisting = """
        SELECT id AS Id, source_content_hash AS Hash, updated_at AS UpdatedAt FROM posts
        WHERE source_id = @SourceId AND source_entry_key = @Key
        """;

    private const string Insert = """
        INSERT INTO posts (id, guid, title, summary, content, author, link, status, published_at, updated_at, created_at,
                           source_id, source_url, source_title, source_entry_key, source_content_hash)
        VALUES (@Id, @Guid, @Title, @Summary, @Content, @Author, @Link, 'published', @Published, @Updated, @Now,
                @SourceId, @SourceUrl, @SourceTitle, @Key, @ContentHash)
        """;

    private const string LinkCategories = """
        INSERT INTO post_categories (post_id, category_id)
        SELECT @PostId, category_id FROM source_categories WHERE source_id = @SourceId
        """;

    private const string Update = """
        UPDATE posts SET title = @Title, summary = @Summary, content = @Content, author = @Author, link = @Link,
            published_at = @Published, updated_at = @Updated, source_url = @SourceUrl, source_title = @SourceTitle,
            source_content_hash = @ContentHash
        WHERE id = @Id
        """;

    // The keys go in as one JSON array: one statement whatever their number, where a list would be a parameter each.
    private readonly string _selectHashes = $"""
        SELECT source_entry_key AS Key, source_content_hash AS Hash FROM posts
        WHERE source_id = @SourceId AND source_entry_key IN (SELECT value FROM {db.Sql.JsonArrayValues("@Keys")})
        """;

    private sealed record Existing(long Id, string? Hash, DateTimeOffset UpdatedAt);

    private sealed record StoredHash(string Key, string? Hash);

    /// <summary>The content hash stored for each of <paramref name="keys"/> that this source already has a post for.</summary>
    public async Task<Dictionary<string, string?>> StoredHashesAsync(long sourceId, IEnumerable<string> keys, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<StoredHash>(new CommandDefinition(_selectHashes,
            new { SourceId = sourceId, Keys = System.Text.Json.JsonSerializer.Serialize(keys) }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Key, r => r.Hash, StringComparer.Ordinal);
    }

    /// <summary>
    /// Adds new entries and updates changed ones, in one transaction, and returns how many of each. Entries whose post
    /// the publisher deleted are skipped; entries that vanished upstream are left alone.
    /// </summary>
    public async Task<(int Added, int Updated)> IngestAsync(Source source, string? sourceTitle, IReadOnlyList<IncomingEntry> entries, DateTimeOffset now, CancellationToken ct)
    {
        var distinct = entries.DistinctBy(e => e.Key).ToList();
        // Ids for the entries not stored yet are taken before the transaction (taking them may write).
        var stored = await StoredHashesAsync(source.Id, distinct.Select(e => e.Key), ct);
        var newIds = new Queue<long>(await ids.TakeAsync(distinct.Count(e => !stored.ContainsKey(e.Key)), ct));
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        int added = 0, updated = 0;
        foreach (var entry in distinct)
        {
            var keyArgs = new { SourceId = source.Id, entry.Key };
            if (await c.ExecuteScalarAsync<long>(new CommandDefinition(SelectTombstone, keyArgs, tx, cancellationToken: ct)) > 0) continue;
            var existing = await c.QuerySingleOrDefaultAsync<Existing>(new CommandDefinition(SelectExisting, keyArgs, tx, cancellationToken: ct));
            if (existing is null)
            {
                // Only an entry added by another ingest of this source between the two reads could find none.
                if (!newIds.TryDequeue(out var id)) throw new InvalidOperationException($"Entry {entry.Key} of {source.Url} appeared during its own ingest");
                await c.ExecuteAsync(new CommandDefinition(Insert, new
                {
                    Id = id, Guid = $"urn:uuid:{Guid.NewGuid()}", entry.Title, entry.Summary, entry.Content, entry.Author, entry.Link,
                    entry.Published, Updated = entry.Updated ?? entry.Published, Now = now,
                    SourceId = source.Id, SourceUrl = source.Url, SourceTitle = sourceTitle, entry.Key, entry.ContentHash,
                }, tx, cancellationToken: ct));
                await c.ExecuteAsync(new CommandDefinition(LinkCategories, new { PostId = id, SourceId = source.Id }, tx, cancellationToken: ct));
                added++;
            }
            else if (existing.Hash != entry.ContentHash)
            {
                // An edit moves the item's updated date forward: to the entry's own date when it gives a newer one, else to now.
                var newUpdated = entry.Updated is { } u && u > existing.UpdatedAt ? u : now;
                await c.ExecuteAsync(new CommandDefinition(Update, new
                {
                    existing.Id, entry.Title, entry.Summary, entry.Content, entry.Author, entry.Link, entry.Published,
                    Updated = newUpdated > entry.Published ? newUpdated : entry.Published,
                    SourceUrl = source.Url, SourceTitle = sourceTitle, entry.ContentHash,
                }, tx, cancellationToken: ct));
                updated++;
            }
        }
        await tx.CommitAsync(ct);
        return (added, updated);
    }
}
