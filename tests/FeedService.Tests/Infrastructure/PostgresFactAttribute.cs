using Xunit;

namespace FeedService.Tests.Infrastructure;

/// <summary>
/// A test that needs a PostgreSQL server: skipped, with the reason shown, when FEEDSERVICE_TEST_POSTGRES is not set
/// (a bare `dotnet test`); .ci/run starts a throwaway server and sets it.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabase.PostgresServer is null)
        {
            Skip = $"no PostgreSQL server: set {TestDatabase.ServerVariable} to an Npgsql connection string "
                + "(bash tests/lib/postgres.sh's start_postgres does, and .ci/run runs these tests with it)";
        }
    }
}
