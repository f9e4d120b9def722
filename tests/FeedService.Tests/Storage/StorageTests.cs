using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using FeedService.Storage;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Storage;

public sealed class StorageTests
{
    [Fact]
    [Trait("Provider", TestDatabase.SqliteOnly)]
    public async Task First_start_creates_the_database_in_wal_mode_with_every_migration_recorded_once()
    {
        var folder = TempFolder.Create();
        await using (var app = new FeedServiceApp(folder)) { _ = app.CreateClient(); }
        await using (var again = new FeedServiceApp(folder)) { _ = again.CreateClient(); }

        await using var c = await TestDatabase.OpenAsync(folder);
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

        await using var c = await TestDatabase.OpenAsync(app.Folder);
        Assert.Equal("2026-11-26T10:34:56.1234567Z", await c.ExecuteScalarAsync<string>("SELECT published_at FROM posts WHERE id = @Id", new { post.Id }));
    }

    [Fact]
    public async Task Foreign_keys_are_enforced()
    {
        await using var app = new FeedServiceApp();
        _ = app.CreateClient();
        var db = (Db)app.Services.GetService(typeof(Db))!;
        await using var c = await db.OpenAsync();
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => c.ExecuteAsync("INSERT INTO post_categories (post_id, category_id) VALUES (999, 999)"));
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
    public async Task A_feeds_folder_that_cannot_be_written_degrades_health_but_not_serving_and_catches_up()
    {
        await using var app = new FeedServiceApp();
        await app.CreateCategoryAsync("keep");
        await app.WaitForFeedAsync("keep.rss", _ => true);
        var client = app.CreateClient();
        var onDisk = Path.Combine(app.FeedsFolder, "keep.rss");
        await WaitAsync(() => File.Exists(onDisk));

        // A directory where the file's compressed copy goes makes the durable write of the set fail.
        var blocker = onDisk + ".gz";
        File.Delete(blocker);
        Directory.CreateDirectory(blocker);
        var post = await app.CreatePostAsync(new { title = "Blocked", content = "<p>x</p>", categories = new[] { "keep" } });
        await app.RegenerateAsync();
        // Readers get the new document from memory at once; only the static copy is behind, and health says so.
        Assert.Contains(post.Guid, await client.GetStringAsync("/feeds/keep.rss"), StringComparison.Ordinal);
        using (var health = await WaitForHealthAsync(client, HttpStatusCode.ServiceUnavailable))
        {
            var folder = health.RootElement.GetProperty("feedsFolder");
            Assert.Equal("behind", folder.GetProperty("status").GetString());
            Assert.Contains("keep.rss.gz", folder.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.True(folder.GetProperty("pending").GetInt32() >= 1);
            Assert.Null(health.RootElement.GetProperty("lastRegeneration").GetProperty("error").GetString());
        }
        Assert.DoesNotContain(post.Guid, File.ReadAllText(onDisk), StringComparison.Ordinal);

        // Retried alone, with no further write: the folder catches up and health recovers.
        Directory.Delete(blocker);
        using (await WaitForHealthAsync(client, HttpStatusCode.OK)) { }
        Assert.Equal(await client.GetByteArrayAsync("/feeds/keep.rss"), File.ReadAllBytes(onDisk));
    }

    [Fact]
    [Trait("Provider", TestDatabase.SqliteOnly)] // the full disk is simulated by a SQLite trigger
    public async Task A_regeneration_whose_documents_cannot_be_stored_changes_nothing_served_and_recovers()
    {
        await using var app = new FeedServiceApp();
        await app.CreateCategoryAsync("keep");
        var good = await app.WaitForFeedAsync("keep.rss", _ => true);
        var client = app.CreateClient();
        var tag = (await client.GetAsync("/feeds/keep.rss")).Headers.ETag;

        // What a full disk does to the publication's transaction, simulated in the database itself.
        await using (var c = await TestDatabase.OpenAsync(app.Folder))
        {
            await c.ExecuteAsync("CREATE TRIGGER no_room BEFORE INSERT ON feed_documents BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
        }
        await app.CreatePostAsync(new { title = "Blocked", content = "<p>x</p>", categories = new[] { "keep" } });
        await app.RegenerateAsync();
        using (var health = await WaitForHealthAsync(client, HttpStatusCode.ServiceUnavailable))
            Assert.Contains("full", health.RootElement.GetProperty("lastRegeneration").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(good, await client.GetStringAsync("/feeds/keep.rss"));
        Assert.Equal(tag, (await client.GetAsync("/feeds/keep.rss")).Headers.ETag);

        // The dirty set was kept: the next run, with room again, publishes the post.
        await using (var c = await TestDatabase.OpenAsync(app.Folder))
        {
            await c.ExecuteAsync("DROP TRIGGER no_room");
        }
        await app.RegenerateAsync();
        Assert.Contains("Blocked", await client.GetStringAsync("/feeds/keep.rss"), StringComparison.Ordinal);
        using (await WaitForHealthAsync(client, HttpStatusCode.OK)) { }
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition never held");
            await Task.Delay(20);
        }
    }

    private static async Task<JsonDocument> WaitForHealthAsync(HttpClient client, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await client.GetAsync("/healthz");
            if (response.StatusCode == wanted) return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"/healthz never answered {wanted}: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(50);
        }
    }
}
