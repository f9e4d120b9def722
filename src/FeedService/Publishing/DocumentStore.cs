using Dapper;
using FeedService.Storage;

namespace FeedService.Publishing;

/// <summary>
/// The current feed documents: the regenerator publishes them here and everyone else reads them from here, in memory
/// (serving, the WebSub hub, the feeds/ folder). Each publication is stored in the database first, in one transaction,
/// under the next publication number, so a restart serves the same bytes and Last-Modified before it renders anything;
/// then it becomes current, and the <see cref="IDocumentListener"/>s are told. Nodes sharing a PostgreSQL database hear
/// of another node's publication (<see cref="Channel"/>) and load what changed (<see cref="RefreshAsync"/>).
/// </summary>
public sealed class DocumentStore(Db db, ChangeSignals signals, IServiceProvider services) : IDisposable
{
    /// <summary>Signalled after every publication; every node's <see cref="SharedStateRefresh"/> hears it.</summary>
    public const string Channel = "feedservice_documents";

    private const string SelectAll = """
        SELECT name AS Name, body AS Body, gzip AS Gzip, brotli AS Brotli, etag AS ETag, last_modified AS LastModified, publication AS Publication
        FROM feed_documents
        """;

    private const string SelectVersions = "SELECT name AS Name, publication AS Publication FROM feed_documents";

    private const string Upsert = """
        INSERT INTO feed_documents (name, body, gzip, brotli, etag, last_modified, publication)
        VALUES (@Name, @Body, @Gzip, @Brotli, @ETag, @LastModified, @Publication)
        ON CONFLICT (name) DO UPDATE SET body = excluded.body, gzip = excluded.gzip, brotli = excluded.brotli,
            etag = excluded.etag, last_modified = excluded.last_modified, publication = excluded.publication
        """;

    private const string Delete = "DELETE FROM feed_documents WHERE name = @Name";

    private sealed record Row(string Name, byte[] Body, byte[] Gzip, byte[] Brotli, string ETag, DateTimeOffset LastModified, long Publication)
    {
        public PublishedDocument Document => new(Name, Body, Gzip, Brotli, ETag, LastModified);
    }

    private sealed record Version(string Name, long Publication);

    private sealed record State(Dictionary<string, PublishedDocument> Documents, Dictionary<string, long> Publications);

    private readonly Lock _load = new();
    private readonly SemaphoreSlim _publish = new(1, 1);
    private volatile State? _current;
    // Resolved at the first publication: listeners read the store, so they cannot be its constructor's arguments.
    private IDocumentListener[]? _listeners;
    private long _generation;

    public PublishedDocument? Get(string name) => Current().Documents.GetValueOrDefault(name);

    /// <summary>How many publications have changed the current documents; it moves before they become current.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public IReadOnlyCollection<PublishedDocument> All => Current().Documents.Values;

    /// <summary>
    /// Stores <paramref name="changed"/> and removes <paramref name="removed"/> in one transaction, makes them current, then
    /// tells the listeners and the other nodes. Publications never overlap; a failed one changes nothing.
    /// </summary>
    public async Task PublishAsync(IReadOnlyList<PublishedDocument> changed, IReadOnlyList<string> removed, CancellationToken ct)
    {
        if (changed.Count == 0 && removed.Count == 0) return;
        await _publish.WaitAsync(ct);
        try
        {
            long publication;
            await using (var c = await db.OpenAsync(ct))
            await using (var tx = await c.BeginTransactionAsync(ct))
            {
                publication = await Publications.NextAsync(c, tx, ct);
                foreach (var d in changed)
                {
                    await c.ExecuteAsync(new CommandDefinition(Upsert, new { d.Name, d.Body, d.Gzip, d.Brotli, d.ETag, d.LastModified, Publication = publication },
                        tx, cancellationToken: ct));
                }
                foreach (var name in removed)
                    await c.ExecuteAsync(new CommandDefinition(Delete, new { Name = name }, tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
            }
            Apply([.. changed.Select(d => (d, publication))], removed, renderedHere: true);
        }
        finally
        {
            _publish.Release();
        }
        if (db.Provider == StorageProvider.Postgres) await signals.SignalAsync(Channel, CancellationToken.None);
    }

    /// <summary>
    /// Loads what other nodes published since this one last looked: a cheap comparison of publication numbers, then the
    /// changed documents' bytes. The listeners are told, as not rendered here.
    /// </summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await _publish.WaitAsync(ct);
        try
        {
            var known = Current().Publications;
            await using var c = await db.OpenAsync(ct);
            var versions = (await c.QueryAsync<Version>(new CommandDefinition(SelectVersions, cancellationToken: ct))).ToList();
            var stale = versions.Where(v => known.GetValueOrDefault(v.Name, -1) != v.Publication).Select(v => v.Name).ToList();
            var names = versions.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
            var removed = known.Keys.Where(n => !names.Contains(n)).ToList();
            if (stale.Count == 0 && removed.Count == 0) return;
            var rows = stale.Count == 0 ? []
                : await c.QueryAsync<Row>(new CommandDefinition($"{SelectAll} WHERE name {db.Sql.In("@Names")}", new { Names = stale }, cancellationToken: ct));
            Apply([.. rows.Select(r => (r.Document, r.Publication))], removed, renderedHere: false);
        }
        finally
        {
            _publish.Release();
        }
    }

    private void Apply(IReadOnlyList<(PublishedDocument Document, long Publication)> changed, IReadOnlyList<string> removed, bool renderedHere)
    {
        var current = Current();
        var documents = new Dictionary<string, PublishedDocument>(current.Documents, StringComparer.Ordinal);
        var publications = new Dictionary<string, long>(current.Publications, StringComparer.Ordinal);
        var changes = new List<DocumentChange>(changed.Count + removed.Count);
        foreach (var (d, publication) in changed)
        {
            documents[d.Name] = d;
            publications[d.Name] = publication;
            changes.Add(new DocumentChange(d.Name, d));
        }
        foreach (var name in removed)
        {
            publications.Remove(name);
            if (documents.Remove(name)) changes.Add(new DocumentChange(name, null));
        }
        Interlocked.Increment(ref _generation);
        _current = new State(documents, publications);
        _listeners ??= services.GetServices<IDocumentListener>().ToArray();
        foreach (var listener in _listeners) listener.DocumentsChanged(changes, renderedHere);
    }

    public void Dispose() => _publish.Dispose();

    private State Current()
    {
        if (_current is { } current) return current;
        lock (_load)
        {
            if (_current is not null) return _current;
            // Once, at the first read after start-up: the documents the last run (of any node) published.
            using var c = db.Open();
            var rows = c.Query<Row>(SelectAll).ToList();
            _current = new State(rows.ToDictionary(r => r.Name, r => r.Document, StringComparer.Ordinal),
                rows.ToDictionary(r => r.Name, r => r.Publication, StringComparer.Ordinal));
            return _current;
        }
    }
}
