using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FeedService.Storage;

/// <summary>
/// Opens database connections with the settings every connection needs, on the configured provider: SQLite (the
/// embedded default) or PostgreSQL. The stores run the same SQL on both; what differs is in <see cref="Sql"/>.
/// </summary>
public sealed class Db : IDisposable
{
    private readonly string _sqliteConnectionString = "";
    private readonly string _pragmas = "";
    private readonly NpgsqlDataSource? _postgres;

    public Db(IOptions<StorageOptions> options, IHostEnvironment env)
    {
        var o = options.Value;
        Provider = o.Provider;
        Sql = SqlDialect.For(o.Provider);
        if (o.Provider == StorageProvider.Postgres)
        {
            _postgres = NpgsqlDataSource.Create(o.ConnectionString!);
            DataFolder = Path.GetFullPath(Path.Combine(env.ContentRootPath, "data"));
            var builder = new NpgsqlConnectionStringBuilder(o.ConnectionString);
            Description = $"PostgreSQL database {builder.Database} on {builder.Host}:{builder.Port}";
            DurableFile.CreateDirectory(DataFolder);
            return;
        }
        FilePath = Path.GetFullPath(Path.Combine(env.ContentRootPath, o.DatabasePath));
        DataFolder = Path.GetDirectoryName(FilePath)!;
        Description = $"SQLite database {FilePath}";
        // Synced up the tree: a database created in a folder that a power cut then forgets is a database lost.
        DurableFile.CreateDirectory(DataFolder);
        var busyTimeoutMs = o.BusyTimeoutMs;
        _sqliteConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = Math.Max(1, busyTimeoutMs / 1000),
        }.ToString();
        // busy_timeout makes a writer wait for another writer instead of failing with SQLITE_BUSY. In WAL mode, FULL syncs
        // the log at every commit (a 201 survives a power cut); NORMAL only at checkpoints (see StorageOptions.Synchronous).
        var synchronous = o.Synchronous == SynchronousMode.Normal ? "NORMAL" : "FULL";
        _pragmas = FormattableString.Invariant($"PRAGMA busy_timeout = {busyTimeoutMs}; PRAGMA synchronous = {synchronous};");
    }

    public StorageProvider Provider { get; }

    /// <summary>The few pieces of SQL that differ between the providers.</summary>
    public SqlDialect Sql { get; }

    /// <summary>The SQLite database file; null on PostgreSQL.</summary>
    public string? FilePath { get; }

    /// <summary>Where this node keeps its local files (data/api-key): the database's folder on SQLite, data/ on PostgreSQL.</summary>
    public string DataFolder { get; }

    /// <summary>Which database this is, for logs (never the password).</summary>
    public string Description { get; }

    /// <summary>A connection for the rare synchronous caller (loading a cache once, under a lock).</summary>
    public DbConnection Open()
    {
        if (_postgres is not null) return _postgres.OpenConnection();
        var connection = new SqliteConnection(_sqliteConnectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = _pragmas;
        pragma.ExecuteNonQuery();
        return connection;
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(ct);
        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(ct);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = _pragmas;
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>
    /// A connection whose commits are synced to disk whatever FeedService:Storage:Synchronous says, for the few writes that
    /// must survive a power cut even when the operator traded durability for speed (reserving ids). PostgreSQL commits
    /// are durable as they are (synchronous_commit is on unless the operator turned it off).
    /// </summary>
    public Task<DbConnection> OpenSyncedAsync(CancellationToken ct = default) => OpenWithSynchronousAsync("FULL", ct);

    /// <summary>
    /// A connection whose commits SQLite does not sync at once, for writes that a restart redoes anyway (marking feeds
    /// dirty: the first run after a start renders everything). The next synced commit carries them to disk.
    /// </summary>
    public Task<DbConnection> OpenUnsyncedAsync(CancellationToken ct = default) => OpenWithSynchronousAsync("NORMAL", ct);

    /// <summary>A connection whose SQLite commits follow <paramref name="synchronous"/> (pooled connections get the configured one back at their next open).</summary>
    private async Task<DbConnection> OpenWithSynchronousAsync(string synchronous, CancellationToken ct)
    {
        var connection = await OpenAsync(ct);
        if (Provider == StorageProvider.Sqlite)
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = " + synchronous;
            await pragma.ExecuteNonQueryAsync(ct);
        }
        return connection;
    }

    public void Dispose() => _postgres?.Dispose();
}
