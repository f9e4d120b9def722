using Microsoft.Data.Sqlite;
using Npgsql;

namespace FeedService.Storage;

/// <summary>
/// Everything the stores' SQL and error handling need to know about the provider, in one place. The rest of the SQL is
/// what SQLite and PostgreSQL both accept (ON CONFLICT, RETURNING, times as text parameters).
/// </summary>
public sealed class SqlDialect
{
    private const int SqliteConstraint = 19;
    private const int SqliteFull = 13;
    private const string PostgresUniqueViolation = "23505";
    private const string PostgresDiskFull = "53100";

    public static readonly SqlDialect Sqlite = new(StorageProvider.Sqlite, "MAX", "json_each({0})", "IN {0}", "");

    public static readonly SqlDialect Postgres = new(StorageProvider.Postgres, "GREATEST", "json_array_elements_text(CAST({0} AS json))", "= ANY({0})",
        "FOR UPDATE SKIP LOCKED");

    private readonly string _jsonArrayValues;
    private readonly string _in;

    private SqlDialect(StorageProvider provider, string greatest, string jsonArrayValues, string @in, string skipLocked)
    {
        SkipLocked = skipLocked;
        Provider = provider;
        Greatest = greatest;
        _jsonArrayValues = jsonArrayValues;
        _in = @in;
    }

    public static SqlDialect For(StorageProvider provider) => provider == StorageProvider.Postgres ? Postgres : Sqlite;

    public StorageProvider Provider { get; }

    /// <summary>The larger of two values: SQLite's two-argument MAX, PostgreSQL's GREATEST.</summary>
    public string Greatest { get; }

    /// <summary>
    /// Ends a SELECT of rows to claim: PostgreSQL locks them and passes over rows another transaction is claiming; SQLite
    /// has one writer at a time, so its claims never meet and it needs nothing.
    /// </summary>
    public string SkipLocked { get; }

    /// <summary>A table of one text column, value, holding the elements of a JSON array passed as text in <paramref name="parameter"/>.</summary>
    public string JsonArrayValues(string parameter) => string.Format(System.Globalization.CultureInfo.InvariantCulture, _jsonArrayValues, parameter);

    /// <summary>
    /// "is one of the list in <paramref name="parameter"/>": Dapper expands a list into one parameter per value on SQLite
    /// (IN (@p1, @p2, …)) but hands it to Npgsql as one array, which PostgreSQL compares with = ANY.
    /// </summary>
    public string In(string parameter) => string.Format(System.Globalization.CultureInfo.InvariantCulture, _in, parameter);

    /// <summary>True when the exception is a unique (or, on SQLite, any) constraint refusing a row.</summary>
    public static bool IsConstraintViolation(Exception e) =>
        e is SqliteException { SqliteErrorCode: SqliteConstraint } || e is PostgresException { SqlState: PostgresUniqueViolation };

    /// <summary>True when the database said its disk is full.</summary>
    public static bool IsDiskFull(Exception e) =>
        e is SqliteException { SqliteErrorCode: SqliteFull } || e is PostgresException { SqlState: PostgresDiskFull };
}
