using System.Globalization;
using System.Text.Json;
using Dapper;
using FeedService.Categories;
using FeedService.Posts;
using FeedService.Storage;
using Microsoft.Extensions.Options;

namespace FeedService.Demo;

/// <summary>
/// On the first start with an empty database, fills the category the product was imagined for
/// (shared/seed's "Category Archives: HM Probation Inspectorate" page), so a newcomer sees real feeds at once.
/// </summary>
public sealed class DemoSeeder(Db db, CategoryStore categories, PostAuthoring posts, IOptions<DemoOptions> options, ILogger<DemoSeeder> logger)
{
    private sealed record DemoCategory(string Slug, string Name, string Description);
    private sealed record DemoPost(string Title, string PublishedAt, string Summary, string Content, string Author);
    private sealed record DemoData(DemoCategory Category, List<DemoPost> Posts);

    private const string CountContent = "SELECT (SELECT COUNT(*) FROM categories) + (SELECT COUNT(*) FROM posts)";

    public async Task SeedIfEmptyAsync(CancellationToken ct = default)
    {
        if (!options.Value.Seed) return;
        await using (var c = await db.OpenAsync(ct))
        {
            if (await c.ExecuteScalarAsync<long>(new CommandDefinition(CountContent, cancellationToken: ct)) > 0) return;
        }

        await using var stream = typeof(DemoSeeder).Assembly.GetManifestResourceStream("FeedService.Demo.demo-posts.json")!;
        var data = (await JsonSerializer.DeserializeAsync<DemoData>(stream, JsonSerializerOptions.Web, ct))!;
        var category = await categories.CreateAsync(data.Category.Slug, data.Category.Name, data.Category.Description, ct)
            ?? throw new InvalidOperationException($"Demo category {data.Category.Slug} exists in a database that looked empty");
        // Oldest first, so ids follow publication order as they would have on the original site.
        foreach (var post in Enumerable.Reverse(data.Posts))
        {
            var publishedAt = DateTimeOffset.Parse(post.PublishedAt, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            await posts.CreateAsync(new PostInput(post.Title, post.Summary, post.Content, post.Author, null, PostStatus.Published, publishedAt, [category.Slug]), ct);
        }
        logger.LogInformation("Seeded demo category {Category} with {Count} posts", category.Slug, data.Posts.Count);
    }
}
