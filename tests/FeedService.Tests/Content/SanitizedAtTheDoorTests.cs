using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using FeedService.Tests.Aggregation.Sources;
using FeedService.Tests.Infrastructure;
using FeedService.WebSub.Subscriber;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FeedService.Tests.Content;

/// <summary>
/// HTML is sanitized once, at the door, and stored clean: hostile markup sent through each door (the authoring API's
/// create and update, a new source, a poll, a WebSub push) never reaches the database. Rendering does not sanitize
/// again, so these are the tests that keep scripts out of every feed and page.
/// </summary>
public sealed class SanitizedAtTheDoorTests : IAsyncLifetime
{
    private const string Hostile = """<p onclick="steal()">Hello <a href="javascript:steal()">there</a></p><script>steal()</script><img src="x.png" onerror="steal()"><iframe src="https://evil.example/"></iframe>""";

    private FeedServiceApp _app = null!;
    private LocalFeedServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LocalFeedServer.StartAsync();
        _app = new FeedServiceApp();
        await _app.CreateCategoryAsync("doors");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task The_authoring_api_stores_sanitized_html_with_absolute_urls_on_create_and_update()
    {
        var post = await _app.CreatePostAsync(new { title = "Door", summary = Hostile, content = Hostile, categories = new[] { "doors" } });
        var stored = await StoredAsync(post.Id);
        AssertClean(stored.Content);
        AssertClean(stored.Summary);
        // Relative URLs resolve against the post's own page when it names no link.
        Assert.Contains($"src=\"{FeedServiceApp.BaseUrl}/posts/x.png\"", stored.Content, StringComparison.Ordinal);
        // The API answers with what it stored.
        Assert.Equal(stored.Content, post.Content);

        var response = await _app.Writer().PutAsJsonAsync($"/api/posts/{post.Id}", new
        {
            title = "Door again", content = Hostile, summary = "", categories = new[] { "doors" }, link = "https://elsewhere.example/story/1",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        stored = await StoredAsync(post.Id);
        AssertClean(stored.Content);
        Assert.Contains("src=\"https://elsewhere.example/story/x.png\"", stored.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_source_a_poll_and_a_push_store_sanitized_html()
    {
        _server.MapFeed("/feed.xml", PollingTests.Rss("Hostile", ("h1", "First", Hostile, "Mon, 02 Nov 2026 09:00:00 GMT")));
        var created = await _app.Writer().PostAsJsonAsync("/api/sources", new { url = _server.Url("/feed.xml").AbsoluteUri, categories = new[] { "doors" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sourceId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("source").GetProperty("id").GetInt64();

        _server.MapFeed("/feed.xml", PollingTests.Rss("Hostile", ("h1", "First", Hostile, "Mon, 02 Nov 2026 09:00:00 GMT"),
            ("h2", "Second", Hostile, "Tue, 03 Nov 2026 09:00:00 GMT")));
        Assert.Equal(HttpStatusCode.OK, (await _app.Writer().PostAsync($"/api/sources/{sourceId}/poll", null)).StatusCode);

        // A hub's delivery, signed with the secret of a verified subscription.
        var push = _app.Services.GetRequiredService<PushStore>();
        await push.RequestedAsync(sourceId, "https://hub.example/", _server.Url("/feed.xml").AbsoluteUri, "door-token", "door-secret", DateTimeOffset.UtcNow);
        await push.VerifiedAsync("door-token", 3600, DateTimeOffset.UtcNow);
        var body = Encoding.UTF8.GetBytes(PollingTests.Rss("Hostile", ("h3", "Third", Hostile, "Wed, 04 Nov 2026 09:00:00 GMT")));
        using var delivery = new HttpRequestMessage(HttpMethod.Post, "/websub/callback/door-token") { Content = new ByteArrayContent(body) };
        delivery.Content.Headers.ContentType = new("application/rss+xml");
        delivery.Headers.Add("X-Hub-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("door-secret"u8, body)));
        Assert.Equal(HttpStatusCode.Accepted, (await _app.CreateClient().SendAsync(delivery)).StatusCode);

        await using var c = await TestDatabase.OpenAsync(_app.Folder);
        var rows = (await c.QueryAsync<(string Title, string Summary, string Content)>("SELECT title, summary, content FROM posts WHERE source_id = @Id", new { Id = sourceId })).ToList();
        Assert.Equal(["First", "Second", "Third"], rows.Select(r => r.Title).Order(StringComparer.Ordinal));
        foreach (var row in rows)
        {
            AssertClean(row.Content);
            AssertClean(row.Summary);
            Assert.Contains("src=\"https://agency.example.gov/news/x.png\"", row.Content, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Posts_stored_before_the_door_existed_are_sanitized_once_at_the_next_start()
    {
        var post = await _app.CreatePostAsync(new { title = "Old", content = "<p>old</p>", categories = new[] { "doors" } });
        await _app.DisposeAsync();
        // What a database of an earlier version holds: HTML as it was sent, and the mark migration 0008 leaves on it.
        await using (var c = await TestDatabase.OpenAsync(_app.Folder))
        {
            await c.ExecuteAsync("UPDATE posts SET content = @Raw, summary = @Raw WHERE id = @Id", new { Raw = Hostile, post.Id });
            await c.ExecuteAsync("INSERT INTO site_settings (key, value) VALUES ('posts_html_unsanitized', '1')");
        }
        _app = new FeedServiceApp(_app.Folder);
        var rss = await _app.WaitForFeedAsync("doors.rss", x => x.Contains(post.Guid, StringComparison.Ordinal));
        var stored = await StoredAsync(post.Id);
        AssertClean(stored.Content);
        AssertClean(stored.Summary);
        Assert.DoesNotContain("steal()", rss, StringComparison.Ordinal);
        await using var check = await TestDatabase.OpenAsync(_app.Folder);
        Assert.Equal(0, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM site_settings WHERE key = 'posts_html_unsanitized'"));
    }

    private static void AssertClean(string html)
    {
        foreach (var bad in new[] { "<script", "steal()", "onclick", "onerror", "javascript:", "<iframe" })
            Assert.DoesNotContain(bad, html, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<(string Summary, string Content)> StoredAsync(long id)
    {
        await using var c = await TestDatabase.OpenAsync(_app.Folder);
        return await c.QuerySingleAsync<(string Summary, string Content)>("SELECT summary, content FROM posts WHERE id = @Id", new { Id = id });
    }
}
