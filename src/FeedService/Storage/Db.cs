using FeedService.Options;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FeedService.Storage;

/// <summary>Opens SQLite connections with the pragmas every connection needs.</summary>
public sealed class Db
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;

    public Db(IOptions<StorageOptions> options, IHostEnvironment env)
    {
        FilePath = Path.GetFullPath(Path.Combine(env.ContentRootPath, options.Value.DatabasePath));
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        _busyTimeoutMs = options.Value.BusyTimeoutMs;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = Math.Max(1, _busyTimeoutMs / 1000),
        }.ToString();
    }

    public string FilePath { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken ct = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        using var pragma = connection.CreateCommand();
        // busy_timeout makes a writer wait for another writer instead of failing with SQLITE_BUSY.
        pragma.CommandText = $"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA synchronous = NORMAL;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }
}
