using Dapper;
using FeedService.Storage;

namespace FeedService.Publishing;

/// <summary>
/// The current feed documents: the regenerator publishes them here and everyone else reads them from here, in memory
/// (serving, the WebSub hub, the feeds/ folder). Each publication is stored in the database first, in one transaction,
/// so a restart serves the same bytes and Last-Modified before it renders anything; then it becomes current, and the
/// <see cref="IDocumentListener"/>s are told.
/// </summary>
public sealed class DocumentStore(Db db, IServiceProvider services) : IDisposable
{
    private const string SelectAll = """
        SELECT name AS Name, body AS Body, gzip AS Gzip, brotli AS Brotli, etag AS ETag, last_modified AS LastModified
        FROM feed_documents
        """;

    private const string Upsert = """
        INSERT INTO feed_documents (name, body, gzip, brotli, etag, last_modified)
        VALUES (@Name, @Body, @Gzip, @Brotli, @ETag, @LastModified)
        ON CONFLICT (name) DO UPDATE SET body = excluded.body, gzip = excluded.gzip, brotli = excluded.brotli,
            etag = excluded.etag, last_modified = excluded.last_modified
        """;

    private const string Delete = "DELETE FROM feed_documents WHERE name = @Name";

    private sealed record Row(string Name, byte[] Body, byte[] Gzip, byte[] Brotli, string ETag, DateTimeOffset LastModified);

    private readonly Lock _load = new();
    private readonly SemaphoreSlim _publish = new(1, 1);
    private volatile Dictionary<string, PublishedDocument>? _current;
    // Resolved at the first publication: listeners read the store, so they cannot be its constructor's arguments.
    private IDocumentListener[]? _listeners;
    private long _generation;

    public PublishedDocument? Get(string name) => Current().GetValueOrDefault(name);

    /// <summary>How many publications have changed the current documents; it moves before they become current.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public IReadOnlyCollection<PublishedDocument> All => Current().Values;

    /// <summary>
    /// Stores <paramref name="changed"/> and removes <paramref name="removed"/> in one transaction, makes them current, then
    /// tells the listeners. Publications never overlap; a failed one changes nothing.
    /// </summary>
    public async Task PublishAsync(IReadOnlyList<PublishedDocument> changed, IReadOnlyList<string> removed, CancellationToken ct)
    {
        if (changed.Count == 0 && removed.Count == 0) return;
        await _publish.WaitAsync(ct);
        try
        {
            await using (var c = await db.OpenAsync(ct))
            await using (var tx = await c.BeginTransactionAsync(ct))
            {
                foreach (var d in changed)
                    await c.ExecuteAsync(new CommandDefinition(Upsert, new { d.Name, d.Body, d.Gzip, d.Brotli, d.ETag, d.LastModified }, tx, cancellationToken: ct));
                foreach (var name in removed)
                    await c.ExecuteAsync(new CommandDefinition(Delete, new { Name = name }, tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
            }
            var next = new Dictionary<string, PublishedDocument>(Current(), StringComparer.Ordinal);
            var changes = new List<DocumentChange>(changed.Count + removed.Count);
            foreach (var d in changed)
            {
                next[d.Name] = d;
                changes.Add(new DocumentChange(d.Name, d));
            }
            foreach (var name in removed)
                if (next.Remove(name)) changes.Add(new DocumentChange(name, null));
            Interlocked.Increment(ref _generation);
            _current = next;
            _listeners ??= services.GetServices<IDocumentListener>().ToArray();
            foreach (var listener in _listeners) listener.DocumentsChanged(changes);
        }
        finally
        {
            _publish.Release();
        }
    }

    public void Dispose() => _publish.Dispose();

    private Dictionary<string, PublishedDocument> Current()
    {
        if (_current is { } current) return current;
        lock (_load)
        {
            if (_current is not null) return _current;
            // Once, at the first read after start-up: the documents the last run of the previous process published.
            using var c = db.Open();
            _current = c.Query<Row>(SelectAll)
                .Select(r => new PublishedDocument(r.Name, r.Body, r.Gzip, r.Brotli, r.ETag, r.LastModified))
                .ToDictionary(d => d.Name, StringComparer.Ordinal);
            return _current;
        }
    }
}
