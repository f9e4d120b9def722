using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace FeedService.Tests.Infrastructure;

/// <summary>
/// Which database the tests' apps run on. By default SQLite, a file in each app's temp folder. With
/// FEEDSERVICE_TEST_POSTGRES (an Npgsql connection string to a server, no database) and FEEDSERVICE_TEST_PROVIDER=Postgres,
/// every app runs on PostgreSQL instead, in a database of its own named after its folder (so two apps over one folder are
/// a restart, as on SQLite). .ci/run runs the suite both ways; tests/lib/postgres.sh starts the throwaway server.
/// </summary>
public static class TestDatabase
{
    public const string ServerVariable = "FEEDSERVICE_TEST_POSTGRES";
    public const string ProviderVariable = "FEEDSERVICE_TEST_PROVIDER";

    /// <summary>The trait of tests that only make sense on SQLite (its file, its pragmas); the PostgreSQL pass filters them out.</summary>
    public const string SqliteOnly = "SqliteOnly";

    public static string? PostgresServer => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } s ? s : null;

    public static bool OnPostgres =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>Points the app at its database: nothing to do on SQLite (FeedServiceApp sets the file).</summary>
    public static void Configure(IWebHostBuilder builder, string folder)
    {
        if (!OnPostgres) return;
        builder.UseSetting("FeedService:Storage:Provider", "Postgres");
        builder.UseSetting("FeedService:Storage:ConnectionString", PostgresDatabase(NameFor(folder)));
        // Quartz keeps one scheduler per name in a process, and many apps share the test process: one name per database.
        builder.UseSetting("FeedService:Cluster:SchedulerName", NameFor(folder));
    }

    /// <summary>
    /// An open connection, without pooling, to the database of the app over <paramref name="folder"/>, whichever provider
    /// the tests run on; the app need not be running (a test may change what a restart will find).
    /// </summary>
    public static async Task<System.Data.Common.DbConnection> OpenAsync(string folder)
    {
        System.Data.Common.DbConnection c = OnPostgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresDatabase(NameFor(folder))) { Pooling = false }.ConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, "data", "feedservice.db")};Pooling=false");
        await c.OpenAsync();
        return c;
    }

    /// <summary>A connection string to <paramref name="database"/> on the test server, created (empty) if it does not exist.</summary>
    public static string PostgresDatabase(string database)
    {
        var server = PostgresServer ?? throw new InvalidOperationException(
            $"{ProviderVariable}=Postgres needs {ServerVariable}, a connection string to a PostgreSQL server (tests/lib/postgres.sh starts one)");
        using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            admin.Open();
            using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin);
            exists.Parameters.AddWithValue("name", database);
            if (exists.ExecuteScalar() is null)
            {
                using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
                try
                {
                    create.ExecuteNonQuery();
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // Another test made it at the same moment.
                }
            }
        }
        // Hundreds of apps live during a run, many at once: small pools that let idle connections go keep the server's
        // connection limit out of the way.
        return new NpgsqlConnectionStringBuilder(server) { Database = database, MaxPoolSize = 10, ConnectionIdleLifetime = 2, ConnectionPruningInterval = 1 }
            .ConnectionString;
    }

    /// <summary>A database name unique to a folder (PostgreSQL names are at most 63 bytes).</summary>
    public static string NameFor(string folder) =>
        "fs_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(folder))))[..24];
}
