using FeedService.Categories;
using FeedService.Content;
using FeedService.Posts;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.Publishing;

/// <summary>Turns stored posts into the one neutral <see cref="FeedDocument"/> all writers render.</summary>
/// <remarks>
/// A post's HTML is rendered as stored: it was sanitized, with its URLs made absolute, when it came in (PostAuthoring for
/// posts written here, the ingest step for aggregated ones), so rendering never parses HTML.
/// </remarks>
public sealed class FeedModelBuilder(IOptions<SiteOptions> site, PostLinks links, FeedHubs hubs)
{
    private static readonly string Generator = $"FeedService {typeof(FeedModelBuilder).Assembly.GetName().Version?.ToString(3)}";

    public FeedDocument ForCategory(Category category, IReadOnlyList<Post> posts, IReadOnlyDictionary<string, string> categoryNames, ArchivePosition? archive = null) =>
        Build(category.Slug, category.FeedId, $"{site.Value.Title}: {category.Name}",
            string.IsNullOrWhiteSpace(category.Description) ? $"Posts in {category.Name}" : category.Description,
            site.Value.Url($"categories/{category.Slug}"), category.UpdatedAt, posts, categoryNames, archive);

    public FeedDocument ForAll(string feedId, DateTimeOffset siteCreated, IReadOnlyList<Post> posts, IReadOnlyDictionary<string, string> categoryNames, ArchivePosition? archive = null) =>
        Build(Slugs.All, feedId, site.Value.Title, site.Value.Description, site.Value.Url(""), siteCreated, posts, categoryNames, archive);

    private FeedDocument Build(string slug, string id, string title, string description, string home, DateTimeOffset whenEmpty,
        IReadOnlyList<Post> posts, IReadOnlyDictionary<string, string> categoryNames, ArchivePosition? archive)
    {
        var entries = posts.Select(p => Entry(p, categoryNames)).ToList();
        // The feed's date is its newest item's (or, when empty, its own record's), never the render time:
        // the same data always renders the same bytes.
        var updated = entries.Count > 0 ? entries.Max(e => e.Updated) : whenEmpty;
        return new FeedDocument(slug, id, XmlText.Clean(title), XmlText.Clean(description), site.Value.Language, home, site.Value.Url("feeds/"),
            updated, XmlText.Clean(site.Value.DefaultAuthor), Generator, entries, archive,
            // Subscribers subscribe to the current document; archive pages never change, so they name no hub.
            archive?.Page is null ? hubs.Advertised : []);
    }

    private FeedEntry Entry(Post post, IReadOnlyDictionary<string, string> categoryNames)
    {
        var link = links.LinkOf(post);
        // Cleaning XML-illegal characters is no sanitizing: a scan that returns the stored string as it is (it is clean).
        var content = XmlText.Clean(post.Content);
        var summary = string.IsNullOrWhiteSpace(post.Summary) ? content : XmlText.Clean(post.Summary);
        var author = string.IsNullOrWhiteSpace(post.Author) ? site.Value.DefaultAuthor : post.Author;
        var categories = post.Categories
            .Select(slug => new FeedCategory(slug, XmlText.Clean(categoryNames.GetValueOrDefault(slug, slug))))
            .ToList();
        var updated = post.UpdatedAt > post.PublishedAt ? post.UpdatedAt : post.PublishedAt;
        var source = post.SourceUrl is null ? null : new FeedSource(post.SourceUrl, XmlText.Clean(string.IsNullOrWhiteSpace(post.SourceTitle) ? post.SourceUrl : post.SourceTitle));
        return new FeedEntry(post.Guid, XmlText.Clean(post.Title), link, summary, content, [XmlText.Clean(author)], categories, post.PublishedAt, updated, source);
    }
}
