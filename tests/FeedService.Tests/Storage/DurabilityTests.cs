using System.Net;
using System.Net.Http.Json;
using Dapper;
using FeedService.Storage;
using FeedService.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FeedService.Tests.Storage;

/// <summary>
/// What a power cut relies on, checked from inside: commits synced, files written durably, ids never handed out twice.
/// (tests/reliability/powercut.sh cuts the power under the published app on a filesystem that drops unsynced writes.)
/// </summary>
[Trait("Provider", TestDatabase.SqliteOnly)] // SQLite's synchronous pragma and its file
public sealed class DurabilityTests
{
    [Fact]
    public async Task Every_connection_syncs_each_commit_by_default()
    {
        await using var app = new FeedServiceApp();
        _ = app.CreateClient();
        await using var c = await app.Services.GetRequiredService<Db>().OpenAsync();
        Assert.Equal(2, await c.ExecuteScalarAsync<long>("PRAGMA synchronous")); // 2 = FULL
        Assert.Equal("wal", await c.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Synchronous_normal_is_a_setting_and_id_reservations_stay_synced_under_it()
    {
        await using var app = new FeedServiceApp(settings: new Dictionary<string, string> { ["FeedService:Storage:Synchronous"] = "Normal" });
        _ = app.CreateClient();
        var db = app.Services.GetRequiredService<Db>();
        await using (var c = await db.OpenAsync()) Assert.Equal(1, await c.ExecuteScalarAsync<long>("PRAGMA synchronous")); // 1 = NORMAL
        await using (var synced = await db.OpenSyncedAsync()) Assert.Equal(2, await synced.ExecuteScalarAsync<long>("PRAGMA synchronous"));
    }

    [Fact]
    public async Task An_unknown_synchronous_mode_stops_the_start_with_the_key_named()
    {
        await using var app = new FeedServiceApp(settings: new Dictionary<string, string> { ["FeedService:Storage:Synchronous"] = "Off" });
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("Synchronous", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_newest_post_never_gives_its_id_to_the_next_post()
    {
        await using var app = new FeedServiceApp();
        await app.CreateCategoryAsync("ids");
        var first = await app.CreatePostAsync(new { title = "One", content = "<p>1</p>", categories = new[] { "ids" } });
        var newest = await app.CreatePostAsync(new { title = "Two", content = "<p>2</p>", categories = new[] { "ids" } });
        Assert.True(newest.Id > first.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Writer().DeleteAsync($"/api/posts/{newest.Id}")).StatusCode);

        var next = await app.CreatePostAsync(new { title = "Three", content = "<p>3</p>", categories = new[] { "ids" } });
        Assert.True(next.Id > newest.Id, $"post {next.Id} took an id at or below the deleted post {newest.Id}");
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync($"/posts/{newest.Id}")).StatusCode);
    }

    [Fact]
    public async Task After_a_restart_ids_continue_above_every_id_given_out_before_even_when_the_rows_are_gone()
    {
        var folder = TempFolder.Create();
        long highest;
        await using (var app = new FeedServiceApp(folder))
        {
            await app.CreateCategoryAsync("ids");
            var posts = new List<PostJson>();
            for (var i = 0; i < 3; i++) posts.Add(await app.CreatePostAsync(new { title = $"P{i}", content = "<p>x</p>", categories = new[] { "ids" } }));
            highest = posts.Max(p => p.Id);
        }
        // What a power cut with Synchronous=Normal can do: the newest rows vanish, the synced reservation stays.
        await using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, "data", "feedservice.db")};Pooling=false"))
        {
            await c.OpenAsync();
            await c.ExecuteAsync("DELETE FROM posts WHERE id >= @Id", new { Id = highest - 1 });
        }
        await using var restarted = new FeedServiceApp(folder);
        var after = await restarted.CreatePostAsync(new { title = "After", content = "<p>y</p>", categories = new[] { "ids" } });
        Assert.True(after.Id > highest, $"post {after.Id} reused an id at or below {highest}");
    }

    [Fact]
    public async Task Concurrent_writers_get_distinct_ids_across_block_boundaries()
    {
        await using var app = new FeedServiceApp(settings: new Dictionary<string, string> { ["FeedService:RateLimits:Enabled"] = "false" });
        await app.CreateCategoryAsync("ids");
        var created = await Task.WhenAll(Enumerable.Range(0, 80).Select(i =>
            app.CreatePostAsync(new { title = $"C{i}", content = "<p>c</p>", categories = new[] { "ids" } })));
        Assert.Equal(80, created.Select(p => p.Id).Distinct().Count());
        var listed = await app.CreateClient().GetFromJsonAsync<PageJson>("/api/posts?category=ids&pageSize=100");
        Assert.Equal(80, listed!.Total);
    }

    private sealed record PageJson(long Total);

    [Fact]
    public void A_durable_write_replaces_the_file_whole_and_leaves_no_temp_file()
    {
        var folder = Path.Combine(TempFolder.Create(), "new", "nested");
        DurableFile.CreateDirectory(folder);
        var path = Path.Combine(folder, "doc.xml");
        DurableFile.Write(path, "<old/>"u8);
        DurableFile.WriteAll([(path + ".gz", new byte[] { 1, 2 }), (path, "<new/>"u8.ToArray())]);
        Assert.Equal("<new/>", File.ReadAllText(path));
        Assert.Equal([1, 2], File.ReadAllBytes(path + ".gz"));
        Assert.Equal(["doc.xml", "doc.xml.gz"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(DurableFile.DeleteAll([path, path + ".gz", path + ".br"]));
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void Syncing_a_folder_that_is_not_there_fails_loudly()
    {
        if (OperatingSystem.IsWindows()) return;
        var missing = Path.Combine(TempFolder.Create(), "missing");
        var error = Assert.Throws<IOException>(() => DurableFile.SyncDirectory(missing));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_generated_api_key_file_is_written_whole_and_private()
    {
        var folder = TempFolder.Create();
        // No configured key: the app generates one into data/api-key.
        await using var app = new FeedServiceApp(folder, configuredApiKey: false);
        _ = app.CreateClient();
        var path = Path.Combine(folder, "data", "api-key");
        var key = File.ReadAllText(path).Trim();
        Assert.Equal(48, key.Length);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(folder, "data")), f => DurableFile.IsTempName(Path.GetFileName(f)));
    }
}
