using Dapper;

namespace FeedService.Storage;

/// <summary>Applies the embedded Migrations/NNNN_name.sql scripts in order, each once, each in a transaction.</summary>
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

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        // WAL is a property of the database file, so setting it once here covers every later connection.
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL");
        await connection.ExecuteAsync(CreateTable);
        var applied = (await connection.QueryAsync<long>(SelectApplied)).ToHashSet();

        foreach (var (version, name, sql) in EmbeddedMigrations())
        {
            if (applied.Contains(version)) continue;
            await using var tx = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync(sql, transaction: tx);
            await connection.ExecuteAsync(InsertApplied, new { Version = version, Name = name, AppliedAt = clock.GetUtcNow() }, tx);
            await tx.CommitAsync(ct);
            logger.LogInformation("Applied migration {Version} {Name}", version, name);
        }
    }

    public static IEnumerable<(long Version, string Name, string Sql)> EmbeddedMigrations()
    {
        var assembly = typeof(Migrator).Assembly;
        const string prefix = "FeedService.Storage.Migrations.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var file = resource[prefix.Length..^".sql".Length];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            yield return (long.Parse(file[..underscore], System.Globalization.CultureInfo.InvariantCulture), file[(underscore + 1)..], reader.ReadToEnd());
        }
    }
}
