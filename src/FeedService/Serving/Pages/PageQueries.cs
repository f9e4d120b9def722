using Dapper;
using FeedService.Storage;

namespace FeedService.Serving.Pages;

/// <summary>A category as the home page lists it: how many posts a visitor can see in it now.</summary>
public sealed record CategoryCount(string Slug, string Name, string Description, long VisiblePosts);

/// <summary>The counts the pages need that the stores do not answer. Visible means published and published_at &lt;= now.</summary>
public sealed class PageQueries(Db db, TimeProvider clock)
{
    private const string SelectCategoryCounts = """
        SELECT c.slug AS Slug, c.name AS Name, c.description AS Description,
               (SELECT COUNT(*) FROM post_categories pc JOIN posts p ON p.id = pc.post_id
                WHERE pc.category_id = c.id AND p.status = 'published' AND p.published_at <= @Now) AS VisiblePosts
        FROM categories c
        ORDER BY LOWER(c.name), c.slug
        """;

    /// <summary>Every category by name, with its visible posts counted (drafts and scheduled posts are not).</summary>
    public async Task<List<CategoryCount>> CategoriesWithCountsAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<CategoryCount>(new CommandDefinition(SelectCategoryCounts, new { Now = clock.GetUtcNow() }, cancellationToken: ct))).AsList();
    }

    private const string CountVisiblePosts = "SELECT COUNT(*) FROM posts WHERE status = 'published' AND published_at <= @Now";

    /// <summary>What the <c>all</c> feed draws from: every visible post.</summary>
    public async Task<long> VisiblePostsAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(CountVisiblePosts, new { Now = clock.GetUtcNow() }, cancellationToken: ct));
    }
}
