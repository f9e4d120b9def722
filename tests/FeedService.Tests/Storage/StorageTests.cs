using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using FeedService.Storage;
using FeedService.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit;

namespace FeedService.Tests.Storage;

public sealed class StorageTests
{
    [Fact]
    public async Task First_start_creates_the_database_in_wal_mode_with_every_migration_recorded_once()
    {
        var folder = TempFolder.Create();
        await using (var app = new FeedServiceApp(folder)) { _ = app.CreateClient(); }
        await using (var again = new FeedServiceApp(folder)) { _ = again.CreateClient(); }

        await using var c = new SqliteConnection($"Data Source={Path.Combine(folder, "data", "feedservice.db")};Pooling=false");
        await c.OpenAsync();
        Assert.Equal("wal", await c.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        var applied = (await c.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
        Assert.Equal(Migrator.EmbeddedMigrations().Select(m => m.Version).ToList(), applied);
        Assert.Equal("ok", await c.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
    }

    [Fact]
    public async Task Times_round_trip_exactly_as_utc()
    {
        await using var app = new FeedServiceApp();
        await app.CreateCategoryAsync("t");
        var post = await app.CreatePostAsync(new { title = "Time", content = "<p>x</p>", categories = new[] { "t" }, publishedAt = "2026-11-26T12:34:56.1234567+02:00" });
        var expected = new DateTimeOffset(2026, 11, 26, 10, 34, 56, TimeSpan.Zero).AddTicks(1234567);
        Assert.Equal(expected, post.PublishedAt);
        Assert.Equal(TimeSpan.Zero, post.PublishedAt.Offset);
        var read = await app.CreateClient().GetFromJsonAsync<PostJson>($"/api/posts/{post.Id}");
        Assert.Equal(expected.UtcTicks, read!.PublishedAt.UtcTicks);

        await using var c = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=false");
        await c.OpenAsync();
        Assert.Equal("2026-11-26T10:34:56.1234567Z", await c.ExecuteScalarAsync<string>("SELECT published_at FROM posts WHERE id = @Id", new { post.Id }));
    }

    [Fact]
    public async Task Foreign_keys_are_enforced()
    {
        await using var app = new FeedServiceApp();
        _ = app.CreateClient();
        var db = (Db)app.Services.GetService(typeof(Db))!;
        await using var c = await db.OpenAsync();
        await Assert.ThrowsAsync<SqliteException>(() => c.ExecuteAsync("INSERT INTO post_categories (post_id, category_id) VALUES (999, 999)"));
    }

    [Fact]
    public async Task Healthz_reports_database_and_last_regeneration()
    {
        await using var app = new FeedServiceApp();
        var client = app.CreateClient();
        await app.RegenerateAsync();
        var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal("ok", health.GetProperty("database").GetString());
        Assert.Equal(JsonValueKind.Null, health.GetProperty("lastRegeneration").GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task A_failing_regeneration_degrades_health_keeps_serving_and_recovers()
    {
        await using var app = new FeedServiceApp();
        await app.CreateCategoryAsync("keep");
        var good = await app.WaitForFeedAsync("keep.rss", _ => true);
        var client = app.CreateClient();
        var tag = (await client.GetAsync("/feeds/keep.rss")).Headers.ETag;

        // A directory where the temp file should go makes the atomic write fail.
        var blocker = Path.Combine(app.FeedsFolder, "keep.rss.gz");
        File.Delete(blocker);
        Directory.CreateDirectory(blocker);
        await app.CreatePostAsync(new { title = "Blocked", content = "<p>x</p>", categories = new[] { "keep" } });
        await app.RegenerateAsync();
        var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(good, await client.GetStringAsync("/feeds/keep.rss"));
        Assert.Equal(tag, (await client.GetAsync("/feeds/keep.rss")).Headers.ETag);

        Directory.Delete(blocker);
        await app.RegenerateAsync();
        Assert.Contains("Blocked", await client.GetStringAsync("/feeds/keep.rss"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }
}
