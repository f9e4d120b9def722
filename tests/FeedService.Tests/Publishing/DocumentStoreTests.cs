using System.Net;
using Dapper;
using FeedService.Tests.Infrastructure;
using FeedService.Tests.WebSub.Hub;
using Xunit;

namespace FeedService.Tests.Publishing;

/// <summary>
/// Rendered bytes go from the regenerator to the document store, and from there, in memory, to serving and the hub:
/// feeds/ is only a copy written beside them, which neither reads.
/// </summary>
public sealed class DocumentStoreTests
{
    [Fact]
    public async Task Serving_and_the_hub_get_the_new_document_while_feeds_cannot_even_be_created()
    {
        var folder = TempFolder.Create();
        // feeds/ would have to be created inside a regular file: every write of the static copy fails.
        var blocker = Path.Combine(folder, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "x");
        await using var app = new FeedServiceApp(folder, settings: new Dictionary<string, string>
        {
            ["FeedService:Feeds:OutputPath"] = Path.Combine(blocker, "feeds"),
        });
        await using var subscriber = await TestSubscriber.StartAsync();
        await HubClient.CategoryReadyAsync(app, "memory");
        subscriber.Accept("/cb/memory");
        var topic = HubClient.Topic("memory.rss");
        await HubClient.SubscribeActiveAsync(app, topic, subscriber.Callback("/cb/memory"));

        var post = await app.CreatePostAsync(new { title = "From memory", content = "<p>m</p>", categories = new[] { "memory" } });
        var delivery = await subscriber.WaitForDeliveryAsync("/cb/memory", d => d.Text.Contains(post.Guid, StringComparison.Ordinal));
        var client = app.CreateClient();
        Assert.Equal(await client.GetByteArrayAsync("/feeds/memory.rss"), delivery.Body);

        // What was pushed and served is what the store holds in the database, byte for byte.
        await using var c = await TestDatabase.OpenAsync(app.Folder);
        Assert.Equal(delivery.Body, await c.QuerySingleAsync<byte[]>("SELECT body FROM feed_documents WHERE name = 'memory.rss'"));
        var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("feeds/ could not be written", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(blocker, "feeds", "memory.rss")));
    }

    [Fact]
    public async Task A_restart_serves_the_stored_documents_with_their_validators_even_with_feeds_deleted()
    {
        var folder = TempFolder.Create();
        byte[] body;
        string? etag;
        DateTimeOffset? modified;
        await using (var app = new FeedServiceApp(folder))
        {
            await app.CreateCategoryAsync("kept");
            var post = await app.CreatePostAsync(new { title = "Kept", content = "<p>k</p>", categories = new[] { "kept" }, publishedAt = "2026-01-01T00:00:00Z" });
            await app.WaitForFeedAsync("kept.atom", x => x.Contains(post.Guid, StringComparison.Ordinal));
            var response = await app.CreateClient().GetAsync("/feeds/kept.atom");
            (body, etag, modified) = (await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag?.Tag, response.Content.Headers.LastModified);
            await app.WaitForFeedFolderAsync();
        }
        Directory.Delete(Path.Combine(folder, "feeds"), recursive: true);

        await using var restarted = new FeedServiceApp(folder);
        var again = await restarted.CreateClient().GetAsync("/feeds/kept.atom");
        Assert.Equal(body, await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, again.Headers.ETag?.Tag);
        Assert.Equal(modified, again.Content.Headers.LastModified);
        // The static copy is written again from the store.
        await restarted.WaitForFeedFolderAsync();
        Assert.Equal(body, await File.ReadAllBytesAsync(Path.Combine(folder, "feeds", "kept.atom")));
    }
}
