using Dapper;

namespace FeedService.Storage;

/// <summary>
/// Applies the provider's embedded migration scripts (<see cref="EmbeddedMigrations"/>) in order, each once; all that are
/// due run in one transaction, so a start that fails half-way leaves the schema as it found it.
/// </summary>
public sealed class Migrator(Db db, TimeProvider clock, ILogger<Migrator> logger)
{
    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )
        """;

    private const string SelectApplied = "SELECT version FROM schema_migrations";

    private const string InsertApplied = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)";

    // Two instances starting at once on one PostgreSQL database must not both apply a migration: the first holds this
    // lock (for its transaction) while it migrates, the other waits and then finds nothing left to do.
    private const long PostgresMigrationLock = 0x4665_6564_5365_7276; // "FeedServ"

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        if (db.Provider == StorageProvider.Sqlite)
        {
            // WAL is a property of the database file, so setting it once here covers every later connection. A new database
            // switches to it through a rollback journal; EXTRA also syncs the folder once that journal is deleted, or a power
            // cut could bring the journal back, roll the switch back, and orphan everything since in the WAL.
            await connection.ExecuteAsync("PRAGMA synchronous = EXTRA");
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL");
        }
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            if (db.Provider == StorageProvider.Postgres)
            {
                await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@Key)", new { Key = PostgresMigrationLock }, tx);
            }
            await connection.ExecuteAsync(CreateTable, transaction: tx);
            var applied = (await connection.QueryAsync<long>(SelectApplied, transaction: tx)).ToHashSet();
            foreach (var (version, name, sql) in EmbeddedMigrations(db.Provider))
            {
                if (applied.Contains(version)) continue;
                await connection.ExecuteAsync(sql, transaction: tx);
                await connection.ExecuteAsync(InsertApplied, new { Version = version, Name = name, AppliedAt = clock.GetUtcNow() }, tx);
                logger.LogInformation("Applied migration {Version} {Name}", version, name);
            }
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>
    /// The provider's migrations in order of their numbers: Migrations/Shared/NNNN_name.sql, written once for both providers
    /// with the column types that differ as tokens (<see cref="SqlDialect.Migration"/>), unless Migrations/{Sqlite|Postgres}
    /// has a script of that number of its own (Quartz's tables exist on PostgreSQL only).
    /// </summary>
    public static IEnumerable<(long Version, string Name, string Sql)> EmbeddedMigrations(StorageProvider provider = StorageProvider.Sqlite)
    {
        var assembly = typeof(Migrator).Assembly;
        var dialect = SqlDialect.For(provider);
        var scripts = new SortedDictionary<long, (string Name, string Sql)>();
        foreach (var folder in new[] { "Shared", provider.ToString() })
        {
            var prefix = $"FeedService.Storage.Migrations.{folder}.";
            foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
            {
                var file = resource[prefix.Length..^".sql".Length];
                var underscore = file.IndexOf('_', StringComparison.Ordinal);
                using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
                var sql = reader.ReadToEnd();
                scripts[long.Parse(file[..underscore], System.Globalization.CultureInfo.InvariantCulture)] =
                    (file[(underscore + 1)..], folder == "Shared" ? dialect.Migration(sql) : sql);
            }
        }
        return scripts.Select(s => (s.Key, s.Value.Name, s.Value.Sql));
    }
}
