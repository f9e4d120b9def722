using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FeedService.Storage;

/// <summary>Opens SQLite connections with the pragmas every connection needs.</summary>
public sealed class Db
{
    private readonly string _connectionString;
    private readonly string _pragmas;

    public Db(IOptions<StorageOptions> options, IHostEnvironment env)
    {
        FilePath = Path.GetFullPath(Path.Combine(env.ContentRootPath, options.Value.DatabasePath));
        // Synced up the tree: a database created in a folder that a power cut then forgets is a database lost.
        DurableFile.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var busyTimeoutMs = options.Value.BusyTimeoutMs;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = Math.Max(1, busyTimeoutMs / 1000),
        }.ToString();
        // busy_timeout makes a writer wait for another writer instead of failing with SQLITE_BUSY. In WAL mode, FULL syncs
        // the log at every commit (a 201 survives a power cut); NORMAL only at checkpoints (see StorageOptions.Synchronous).
        var synchronous = options.Value.Synchronous == SynchronousMode.Normal ? "NORMAL" : "FULL";
        _pragmas = FormattableString.Invariant($"PRAGMA busy_timeout = {busyTimeoutMs}; PRAGMA synchronous = {synchronous};");
    }

    public string FilePath { get; }

    /// <summary>A connection for the rare synchronous caller (loading a cache once, under a lock).</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = _pragmas;
        pragma.ExecuteNonQuery();
        return connection;
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken ct = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = _pragmas;
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>
    /// A connection whose commits are synced to disk whatever FeedService:Storage:Synchronous says, for the few writes that
    /// must survive a power cut even when the operator traded durability for speed (reserving ids).
    /// </summary>
    public async Task<SqliteConnection> OpenSyncedAsync(CancellationToken ct = default)
    {
        var connection = await OpenAsync(ct);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = FULL";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }
}
