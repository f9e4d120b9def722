namespace FeedService.Categories;

public sealed record Category(long Id, string Slug, string Name, string Description, string FeedId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
