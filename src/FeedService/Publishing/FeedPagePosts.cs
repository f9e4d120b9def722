using Dapper;
using FeedService.Posts;
using FeedService.Storage;

namespace FeedService.Publishing;

/// <summary>
/// What a feed's documents are read with: the feed's fingerprints (every visible post, oldest first), then the posts of
/// each document by their ids (the document's slice of the fingerprints). Asking for "LIMIT n OFFSET k" instead walks k
/// rows of the index for every page: quadratic in the length of the history (2,000 pages of the "all" feed of a
/// 100,000-post site).
/// </summary>
public sealed class FeedPagePosts(Db db)
{
    // A category's posts are found through its links (post_categories' (category_id, post_id) index): filtering every
    // visible post reads the whole posts index once per category (500 × 100,000 rows on a big site). CROSS JOIN makes
    // SQLite keep that order; left to itself it scans the visible-posts index, whose order matches the ORDER BY. The
    // join condition is in WHERE because CROSS JOIN … ON is SQLite's alone; PostgreSQL plans this as any inner join.
    private const string SelectCategoryFingerprints = """
        SELECT p.id, p.updated_at FROM post_categories pc CROSS JOIN posts p
        WHERE p.id = pc.post_id AND pc.category_id = @CategoryId AND p.status = 'published' AND p.published_at <= @Now
        ORDER BY p.published_at ASC, p.id ASC
        """;

    private const string SelectAllFingerprints = """
        SELECT p.id, p.updated_at FROM posts p
        WHERE p.status = 'published' AND p.published_at <= @Now
        ORDER BY p.published_at ASC, p.id ASC
        """;

    /// <summary>
    /// Every visible post of a feed (a category, or all when null), oldest first, as (id, updated_at text): enough to
    /// tell which archive pages changed without loading their content.
    /// </summary>
    public async Task<List<(long Id, string UpdatedAt)>> FingerprintsAsync(long? categoryId, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        // Read row by row rather than through Dapper: the all feed's list is every visible post, read by every run.
        await using var command = c.CreateCommand();
        command.CommandText = categoryId is null ? SelectAllFingerprints : SelectCategoryFingerprints;
        Add(command, "Now", UtcTimeHandler.ToText(now));
        if (categoryId is not null) Add(command, "CategoryId", categoryId.Value);
        var prints = new List<(long, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) prints.Add((reader.GetInt64(0), reader.GetString(1)));
        return prints;
    }

    private static void Add(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private readonly string _selectByIds = $"""
        SELECT p.id AS Id, p.guid AS Guid, p.title AS Title, p.summary AS Summary, p.content AS Content,
            p.author AS Author, p.link AS Link, p.status AS Status,
            p.published_at AS PublishedAt, p.updated_at AS UpdatedAt, p.created_at AS CreatedAt,
            p.source_id AS SourceId, p.source_url AS SourceUrl, p.source_title AS SourceTitle
        FROM posts p WHERE p.id {db.Sql.In("@Ids")}
        """;

    private readonly string _selectCategories = $"""
        SELECT pc.post_id AS PostId, c.slug AS Slug FROM post_categories pc JOIN categories c ON c.id = pc.category_id
        WHERE pc.post_id {db.Sql.In("@Ids")} ORDER BY c.slug
        """;

    /// <summary>The posts with these ids, in the order given, with their categories; a post deleted meanwhile is left out.</summary>
    public async Task<List<Post>> ByIdsAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        await using var c = await db.OpenAsync(ct);
        var args = new { Ids = ids };
        var byId = (await c.QueryAsync<Post>(new CommandDefinition(_selectByIds, args, cancellationToken: ct))).ToDictionary(p => p.Id);
        var categories = (await c.QueryAsync<(long PostId, string Slug)>(new CommandDefinition(_selectCategories, args, cancellationToken: ct)))
            .ToLookup(r => r.PostId, r => r.Slug);
        var posts = new List<Post>(ids.Count);
        foreach (var id in ids)
        {
            if (!byId.TryGetValue(id, out var post)) continue;
            post.Categories = [.. categories[id]];
            posts.Add(post);
        }
        return posts;
    }
}
