namespace FeedService.Categories;

/// <summary>
/// Where writers (posts, categories, ingest) say that content changed, once their write is stored: the feeds of those
/// categories, and "all", must be rendered again. Publishing implements it; a writer never renders a feed itself.
/// </summary>
public interface IContentChanges
{
    /// <summary>Posts in <paramref name="slugs"/> were added, changed or removed.</summary>
    Task ChangedAsync(IEnumerable<string> slugs, CancellationToken ct = default);

    /// <summary>Something every feed shows changed (a category renamed or deleted: items carry category names).</summary>
    Task EverythingChangedAsync(CancellationToken ct = default);
}
