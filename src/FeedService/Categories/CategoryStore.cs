using Dapper;
using FeedService.Storage;

namespace FeedService.Categories;

public sealed class CategoryStore(Db db, TimeProvider clock)
{
    private const string Columns = "id AS Id, slug AS Slug, name AS Name, description AS Description, feed_id AS FeedId, created_at AS CreatedAt, updated_at AS UpdatedAt";

    private const string SelectAll = $"SELECT {Columns} FROM categories ORDER BY slug";

    public async Task<IReadOnlyList<Category>> ListAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Category>(new CommandDefinition(SelectAll, cancellationToken: ct))).AsList();
    }

    private const string SelectBySlug = $"SELECT {Columns} FROM categories WHERE slug = @Slug";

    public async Task<Category?> FindAsync(string slug, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Category>(new CommandDefinition(SelectBySlug, new { Slug = slug }, cancellationToken: ct));
    }

    private const string Insert = $"""
        INSERT INTO categories (slug, name, description, feed_id, created_at, updated_at)
        VALUES (@Slug, @Name, @Description, @FeedId, @Now, @Now)
        RETURNING {Columns}
        """;

    /// <summary>Creates a category; null when the slug is taken.</summary>
    public async Task<Category?> CreateAsync(string slug, string name, string description, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        try
        {
            var args = new { Slug = slug, Name = name, Description = description, FeedId = $"urn:uuid:{Guid.NewGuid()}", Now = clock.GetUtcNow() };
            return await c.QuerySingleAsync<Category>(new CommandDefinition(Insert, args, cancellationToken: ct));
        }
        catch (Exception e) when (SqlDialect.IsConstraintViolation(e) /* the slug is taken */)
        {
            return null;
        }
    }

    private const string Update = $"""
        UPDATE categories SET name = @Name, description = @Description, updated_at = @Now
        WHERE slug = @Slug
        RETURNING {Columns}
        """;

    public async Task<Category?> UpdateAsync(string slug, string name, string description, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Category>(new CommandDefinition(Update, new { Slug = slug, Name = name, Description = description, Now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    private const string Delete = "DELETE FROM categories WHERE slug = @Slug";

    public async Task<bool> DeleteAsync(string slug, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Delete, new { Slug = slug }, cancellationToken: ct)) > 0;
    }

    private readonly string _selectSlugsOf = $"SELECT slug FROM categories WHERE slug {db.Sql.In("@Slugs")}";

    /// <summary>The slugs of <paramref name="slugs"/> that exist.</summary>
    public async Task<HashSet<string>> ExistingAsync(IEnumerable<string> slugs, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<string>(new CommandDefinition(_selectSlugsOf, new { Slugs = slugs.ToArray() }, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
    }
}
