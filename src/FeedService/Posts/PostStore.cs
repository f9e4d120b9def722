using System.Data.Common;
using Dapper;
using FeedService.Storage;

namespace FeedService.Posts;

public sealed class PostStore(Db db, TimeProvider clock)
{
    private const string Columns = """
        p.id AS Id, p.guid AS Guid, p.title AS Title, p.summary AS Summary, p.content AS Content,
        p.author AS Author, p.link AS Link, p.status AS Status,
        p.published_at AS PublishedAt, p.updated_at AS UpdatedAt, p.created_at AS CreatedAt,
        p.source_id AS SourceId, p.source_url AS SourceUrl, p.source_title AS SourceTitle
        """;

    private const string Insert = """
        INSERT INTO posts (id, guid, title, summary, content, author, link, status, published_at, updated_at, created_at)
        VALUES (@Id, @Guid, @Title, @Summary, @Content, @Author, @Link, @Status, @PublishedAt, @PublishedAt, @Now)
        """;

    // Also run by UpdateAsync, once it has removed the post's links.
    private readonly string _insertLinks = $"""
        INSERT INTO post_categories (post_id, category_id)
        SELECT @Id, id FROM categories WHERE slug {db.Sql.In("@Values")}
        """;

    /// <summary>Stores a new post under <paramref name="id"/>, taken from <see cref="PostIds"/>.</summary>
    public async Task<Post> CreateAsync(long id, PostInput input, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var args = new
        {
            Id = id,
            Guid = $"urn:uuid:{System.Guid.NewGuid()}",
            input.Title, input.Summary, input.Content, input.Author, input.Link, input.Status, input.PublishedAt,
            Now = clock.GetUtcNow(),
        };
        await c.ExecuteAsync(new CommandDefinition(Insert, args, tx, cancellationToken: ct));
        await LinkTable.AddAsync(c, tx, _insertLinks, id, input.Categories, ct);
        await tx.CommitAsync(ct);
        return (await GetAsync(c, id, ct))!;
    }

    private const string SelectPrevious = """
        SELECT title AS Title, summary AS Summary, content AS Content, author AS Author, link AS Link, status AS Status, published_at AS PublishedAt
        FROM posts WHERE id = @Id
        """;

    private const string Update = """
        UPDATE posts SET title = @Title, summary = @Summary, content = @Content, author = @Author, link = @Link,
            status = @Status, published_at = @PublishedAt, updated_at = CASE WHEN @Changed THEN @UpdatedAt ELSE updated_at END
        WHERE id = @Id
        """;

    /// <summary>Replaces a post's fields and categories; its guid stays. Returns the categories it was in before, or null when it does not exist.</summary>
    public async Task<(Post Post, List<string> PreviousCategories)?> UpdateAsync(long id, PostInput input, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var previous = await c.QuerySingleOrDefaultAsync<Post>(new CommandDefinition(SelectPrevious, new { Id = id }, tx, cancellationToken: ct));
        if (previous is null) return null;
        var previousCategories = await CategoriesOfAsync(c, tx, id, ct);

        // An unchanged PUT must not move updated_at, or the feeds' bytes (and ETags) would change for nothing.
        var changed = previous.Title != input.Title || previous.Summary != input.Summary || previous.Content != input.Content
            || previous.Author != input.Author || previous.Link != input.Link || previous.Status != input.Status
            || previous.PublishedAt != input.PublishedAt || !previousCategories.Order().SequenceEqual(input.Categories.Distinct().Order());
        var now = clock.GetUtcNow();
        var updatedAt = now > input.PublishedAt ? now : input.PublishedAt;
        await c.ExecuteAsync(new CommandDefinition(Update, new
        {
            Id = id, input.Title, input.Summary, input.Content, input.Author, input.Link, input.Status, input.PublishedAt,
            Changed = changed, UpdatedAt = updatedAt,
        }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM post_categories WHERE post_id = @Id", new { Id = id }, tx, cancellationToken: ct));
        await LinkTable.AddAsync(c, tx, _insertLinks, id, input.Categories, ct);
        await tx.CommitAsync(ct);
        return ((await GetAsync(c, id, ct))!, previousCategories);
    }

    private const string Delete = "DELETE FROM posts WHERE id = @Id";

    private const string InsertTombstone = """
        INSERT INTO source_tombstones (source_id, entry_key, deleted_at)
        SELECT source_id, source_entry_key, @Now FROM posts WHERE id = @Id AND source_id IS NOT NULL
        ON CONFLICT DO NOTHING
        """;

    /// <summary>
    /// Deletes a post; returns the categories it was in, or null when it did not exist. An aggregated post leaves
    /// a tombstone so the next poll of its source does not bring it back.
    /// </summary>
    public async Task<List<string>?> DeleteAsync(long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var categories = await CategoriesOfAsync(c, tx, id, ct);
        await c.ExecuteAsync(new CommandDefinition(InsertTombstone, new { Id = id, Now = clock.GetUtcNow() }, tx, cancellationToken: ct));
        var deleted = await c.ExecuteAsync(new CommandDefinition(Delete, new { Id = id }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return deleted == 0 ? null : categories;
    }

    public async Task<Post?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await GetAsync(c, id, ct);
    }

    private const string SelectById = $"SELECT {Columns} FROM posts p WHERE p.id = @Id";

    private static async Task<Post?> GetAsync(DbConnection c, long id, CancellationToken ct)
    {
        var post = await c.QuerySingleOrDefaultAsync<Post>(new CommandDefinition(SelectById, new { Id = id }, cancellationToken: ct));
        if (post is not null) post.Categories = await CategoriesOfAsync(c, null, id, ct);
        return post;
    }

    private const string SelectPage = $"""
        SELECT {Columns} FROM posts p
        WHERE (@Category IS NULL OR EXISTS (SELECT 1 FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = p.id AND c.slug = @Category))
          AND (@IncludeHidden OR (p.status = 'published' AND p.published_at <= @Now))
        ORDER BY p.published_at DESC, p.id DESC
        LIMIT @Limit OFFSET @Offset
        """;

    private const string CountPage = """
        SELECT COUNT(*) FROM posts p
        WHERE (@Category IS NULL OR EXISTS (SELECT 1 FROM post_categories pc JOIN categories c ON c.id = pc.category_id WHERE pc.post_id = p.id AND c.slug = @Category))
          AND (@IncludeHidden OR (p.status = 'published' AND p.published_at <= @Now))
        """;

    /// <summary>Newest first. Drafts and scheduled posts only when <paramref name="includeHidden"/>.</summary>
    public async Task<(List<Post> Items, long Total)> ListAsync(string? category, int page, int pageSize, bool includeHidden, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var args = new { Category = category, IncludeHidden = includeHidden, Now = clock.GetUtcNow(), Limit = pageSize, Offset = (page - 1) * pageSize };
        var items = (await c.QueryAsync<Post>(new CommandDefinition(SelectPage, args, cancellationToken: ct))).AsList();
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition(CountPage, args, cancellationToken: ct));
        await AttachCategoriesAsync(c, items, ct);
        return (items, total);
    }

    private const string SelectFeedPosts = $"""
        SELECT {Columns} FROM posts p
        WHERE p.status = 'published' AND p.published_at <= @Now
          AND (@CategoryId IS NULL OR EXISTS (SELECT 1 FROM post_categories pc WHERE pc.post_id = p.id AND pc.category_id = @CategoryId))
        ORDER BY p.published_at DESC, p.id DESC
        LIMIT @Limit
        """;

    /// <summary>The newest visible posts of one category (or of all when null), with their categories.</summary>
    public async Task<List<Post>> VisibleAsync(long? categoryId, DateTimeOffset now, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var items = (await c.QueryAsync<Post>(new CommandDefinition(SelectFeedPosts, new { CategoryId = categoryId, Now = now, Limit = limit }, cancellationToken: ct))).AsList();
        await AttachCategoriesAsync(c, items, ct);
        return items;
    }

    private const string SelectFingerprints = """
        SELECT p.id, p.updated_at FROM posts p
        WHERE p.status = 'published' AND p.published_at <= @Now
          AND (@CategoryId IS NULL OR EXISTS (SELECT 1 FROM post_categories pc WHERE pc.post_id = p.id AND pc.category_id = @CategoryId))
        ORDER BY p.published_at ASC, p.id ASC
        """;

    /// <summary>
    /// Every visible post of a feed, oldest first, as (id, updated_at text): enough to tell which archive pages
    /// changed without loading their content.
    /// </summary>
    public async Task<List<(long Id, string UpdatedAt)>> FingerprintsAsync(long? categoryId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<(long, string)>(new CommandDefinition(SelectFingerprints, new { CategoryId = categoryId, Now = now }, cancellationToken: ct))).AsList();
    }

    private const string SelectOldest = $"""
        SELECT {Columns} FROM posts p
        WHERE p.status = 'published' AND p.published_at <= @Now
          AND (@CategoryId IS NULL OR EXISTS (SELECT 1 FROM post_categories pc WHERE pc.post_id = p.id AND pc.category_id = @CategoryId))
        ORDER BY p.published_at ASC, p.id ASC
        LIMIT @Limit OFFSET @Offset
        """;

    /// <summary>A slice of a feed's visible posts counted from the oldest (an archive page), oldest first, with their categories.</summary>
    public async Task<List<Post>> OldestAsync(long? categoryId, DateTimeOffset now, int offset, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var items = (await c.QueryAsync<Post>(new CommandDefinition(SelectOldest, new { CategoryId = categoryId, Now = now, Offset = offset, Limit = limit }, cancellationToken: ct))).AsList();
        await AttachCategoriesAsync(c, items, ct);
        return items;
    }

    private const string SelectBecameVisible = """
        SELECT DISTINCT c.slug FROM posts p
        JOIN post_categories pc ON pc.post_id = p.id JOIN categories c ON c.id = pc.category_id
        WHERE p.status = 'published' AND p.published_at > @From AND p.published_at <= @To
        """;

    private const string CountBecameVisible = "SELECT COUNT(*) FROM posts WHERE status = 'published' AND published_at > @From AND published_at <= @To";

    /// <summary>Scheduled posts whose time came in (from, to]: their categories, and whether there were any at all.</summary>
    public async Task<(List<string> Categories, bool Any)> BecameVisibleAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var args = new { From = from, To = to };
        var slugs = (await c.QueryAsync<string>(new CommandDefinition(SelectBecameVisible, args, cancellationToken: ct))).AsList();
        var count = await c.ExecuteScalarAsync<long>(new CommandDefinition(CountBecameVisible, args, cancellationToken: ct));
        return (slugs, count > 0);
    }

    private const string SelectNextScheduled = "SELECT MIN(published_at) FROM posts WHERE status = 'published' AND published_at > @Now";

    /// <summary>When the next scheduled post goes live, if any.</summary>
    public async Task<DateTimeOffset?> NextScheduledAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var text = await c.ExecuteScalarAsync<string?>(new CommandDefinition(SelectNextScheduled, new { Now = now }, cancellationToken: ct));
        return text is null ? null : UtcTimeHandler.FromText(text);
    }

    private const string SelectCategoriesOf = """
        SELECT c.slug FROM post_categories pc JOIN categories c ON c.id = pc.category_id
        WHERE pc.post_id = @PostId ORDER BY c.slug
        """;

    private static async Task<List<string>> CategoriesOfAsync(DbConnection c, DbTransaction? tx, long postId, CancellationToken ct) =>
        (await c.QueryAsync<string>(new CommandDefinition(SelectCategoriesOf, new { PostId = postId }, tx, cancellationToken: ct))).AsList();

    private readonly string _selectCategoriesOfMany = $"""
        SELECT pc.post_id, c.slug FROM post_categories pc JOIN categories c ON c.id = pc.category_id
        WHERE pc.post_id {db.Sql.In("@Ids")} ORDER BY c.slug
        """;

    private Task AttachCategoriesAsync(DbConnection c, List<Post> posts, CancellationToken ct) =>
        LinkTable.AttachAsync(c, _selectCategoriesOfMany, posts, p => p.Id, (p, slugs) => p.Categories = slugs, ct);
}
