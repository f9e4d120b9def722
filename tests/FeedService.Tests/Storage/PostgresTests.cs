using System.Net.Http.Json;
using Dapper;
using FeedService.Api;
using FeedService.Storage;
using FeedService.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace FeedService.Tests.Storage;

/// <summary>What only PostgreSQL has to show: its migrations, and two apps on one database. Skipped without a server.</summary>
public sealed class PostgresTests
{
    private static Dictionary<string, string> OnPostgres(string database) => new()
    {
        ["FeedService:Storage:Provider"] = "Postgres",
        ["FeedService:Storage:ConnectionString"] = TestDatabase.PostgresDatabase(database),
    };

    [PostgresFact]
    public async Task Both_providers_have_the_same_migration_numbers_and_postgres_applies_each_once()
    {
        var sqlite = Migrator.EmbeddedMigrations(StorageProvider.Sqlite).Select(m => (m.Version, m.Name)).ToList();
        var postgres = Migrator.EmbeddedMigrations(StorageProvider.Postgres).Select(m => (m.Version, m.Name)).ToList();
        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, postgres);

        var database = TestDatabase.NameFor(TempFolder.Create());
        var settings = OnPostgres(database);
        // Two starts at once on an empty database: the migration lock lets one migrate and the other find it done.
        await using var one = new FeedServiceApp(settings: settings);
        await using var two = new FeedServiceApp(settings: settings);
        await Task.WhenAll(Task.Run(() => one.CreateClient()), Task.Run(() => two.CreateClient()));

        await using var c = new NpgsqlConnection(TestDatabase.PostgresDatabase(database));
        await c.OpenAsync();
        var applied = (await c.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
        Assert.Equal(postgres.Select(m => m.Version).ToList(), applied);
    }

    [PostgresFact]
    public async Task A_post_written_through_one_app_is_read_and_rendered_by_another_on_the_same_database()
    {
        var settings = OnPostgres(TestDatabase.NameFor(TempFolder.Create()));
        await using var one = new FeedServiceApp(settings: settings);
        await using var two = new FeedServiceApp(settings: settings);
        await one.CreateCategoryAsync("shared");
        var post = await one.CreatePostAsync(new { title = "Written on one", content = "<p>x</p>", categories = new[] { "shared" } });

        var read = await two.CreateClient().GetFromJsonAsync<PostJson>($"/api/posts/{post.Id}");
        Assert.Equal(post.Guid, read!.Guid);
        await two.RegenerateAsync();
        await two.WaitForFeedAsync("shared.atom", x => x.Contains(post.Guid, StringComparison.Ordinal));
        // Ids come from one sequence of blocks: the second app's post never takes an id the first one handed out.
        var other = await two.CreatePostAsync(new { title = "Written on two", content = "<p>y</p>", categories = new[] { "shared" } });
        Assert.NotEqual(post.Id, other.Id);
    }

    [PostgresFact]
    public async Task A_taken_slug_and_a_full_disk_are_recognised_from_postgres_errors()
    {
        await using var app = new FeedServiceApp(settings: OnPostgres(TestDatabase.NameFor(TempFolder.Create())));
        await app.CreateCategoryAsync("taken");
        var again = await app.Writer().PostAsJsonAsync("/api/categories", new { slug = "taken", name = "Again" });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, again.StatusCode);
        Assert.True(StorageFullHandler.IsStorageFull(new PostgresException("could not extend file", "ERROR", "ERROR", "53100")));
        Assert.False(StorageFullHandler.IsStorageFull(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")));
    }
}
