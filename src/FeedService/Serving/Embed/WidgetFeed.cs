using FeedService.Categories;
using FeedService.Posts;
using FeedService.Serving.Pages;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.Serving.Embed;

/// <summary>One post as a widget shows it: plain text only, a web URL, the date as an instant and as words.</summary>
public sealed record WidgetItem(string Title, string Url, string Published, string Date, string Excerpt);

/// <summary>A category's (or <c>all</c>'s) latest posts for the widgets; <see cref="Home"/> is its page on this site.</summary>
public sealed record WidgetFeed(string Slug, string Title, string Home, IReadOnlyList<WidgetItem> Items);

/// <summary>Loads what both widgets (script and iframe) show, from the same visible posts the feeds are made of.</summary>
public sealed class WidgetFeeds(CategoryStore categories, PostStore posts, PostLinks links,
    IOptions<SiteOptions> options, TimeProvider clock)
{
    /// <summary>The most a widget may show (data-count / count are capped here).</summary>
    public const int MaxItems = 50;
    public const int DefaultItems = 5;
    private const int ExcerptLength = 240;

    /// <summary>Null when <paramref name="slug"/> is neither a category nor <c>all</c>.</summary>
    public async Task<WidgetFeed?> LoadAsync(string slug, CancellationToken ct)
    {
        var site = options.Value;
        long? categoryId = null;
        var (title, home) = (site.Title, site.Url(""));
        if (slug != Slugs.All)
        {
            if (!Slugs.IsValid(slug) || await categories.FindAsync(slug, ct) is not { } category) return null;
            (categoryId, title, home) = (category.Id, category.Name, site.Url($"categories/{category.Slug}"));
        }
        var latest = await posts.VisibleAsync(categoryId, clock.GetUtcNow(), MaxItems, ct);
        return new WidgetFeed(slug, title, home, [.. latest.Select(Item)]);
    }

    private WidgetItem Item(Post post)
    {
        var permalink = links.PermalinkOf(post.Id);
        var url = Html.IsWebUrl(post.Link) ? post.Link! : permalink;
        var source = string.IsNullOrWhiteSpace(post.Summary) ? post.Content : post.Summary;
        var excerpt = PlainText.Excerpt(source, ExcerptLength);
        return new WidgetItem(post.Title, url, post.PublishedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            PageLayout.DisplayDate(post.PublishedAt), excerpt);
    }

    /// <summary>data-count / ?count=: a whole number clamped to 1..50; anything else is the default.</summary>
    public static int CountFrom(string? value) =>
        int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? Math.Clamp(n, 1, MaxItems) : DefaultItems;

    /// <summary>data-excerpt / ?excerpt=: on for "true", "1" or "yes".</summary>
    public static bool ExcerptFrom(string? value) => value?.Trim().ToLowerInvariant() is "true" or "1" or "yes";
}
