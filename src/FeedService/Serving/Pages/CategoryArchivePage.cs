using System.Globalization;
using FeedService.Categories;
using FeedService.Posts;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.Serving.Pages;

/// <summary>
/// /categories/{slug}?page=N : "Category Archives: {name}", ten visible posts a page, newest first, each with its
/// title, date, plain-text excerpt and a "Continue Reading" link to its page.
/// </summary>
public static class CategoryArchivePage
{
    public const int PageSize = 10;
    private const int ExcerptLength = 320;

    public static async Task<IResult> ShowAsync(string slug, string? page, HttpContext context, CategoryStore categories, PostStore posts,
        PostLinks links, IOptions<SiteOptions> options, CancellationToken ct)
    {
        var site = options.Value;
        var category = Slugs.IsValid(slug) ? await categories.FindAsync(slug, ct) : null;
        if (category is null) return PageResults.NotFound(context, site, $"There is no category '{slug}'.");
        if (ParsePage(page) is not { } number) return PageResults.NotFound(context, site, $"There is no page '{page}': pages are numbered from 1.");
        var (items, total) = await posts.ListAsync(category.Slug, number, PageSize, includeHidden: false, ct);
        var pages = (int)Math.Max(1, (total + PageSize - 1) / PageSize);
        if (number > pages) return PageResults.NotFound(context, site, $"{category.Name} has {HomePage.Posts(total)}: there is no page {number}.");
        var summaries = items.Select(p => Summary(p, links.PermalinkOf(p.Id))).ToList();
        return PageResults.Page(context, Render(site, category, summaries, number, pages));
    }

    /// <summary>One post as the archive shows it; <see cref="PostUrl"/> is always our own page of the post.</summary>
    public sealed record PostSummary(string Title, string PostUrl, DateTimeOffset PublishedAt, string Excerpt);

    public static PostSummary Summary(Post post, string permalink)
    {
        var source = string.IsNullOrWhiteSpace(post.Summary) ? post.Content : post.Summary;
        return new PostSummary(post.Title, permalink, post.PublishedAt, PlainText.Excerpt(source, ExcerptLength));
    }

    public static Markup Render(SiteOptions site, Category category, IReadOnlyList<PostSummary> posts, int page, int pages)
    {
        var feeds = FeedLinks.OfCategory(site, category.Slug, category.Name);
        var prev = page > 1 ? UrlOf(site, category.Slug, page - 1) : null;
        var next = page < pages ? UrlOf(site, category.Slug, page + 1) : null;
        var articles = posts.Select(p => Html.Of($"""
            <article class="post-summary">
            <h2><a href="{p.PostUrl}">{p.Title}</a></h2>
            <p class="meta">{PageLayout.Date(p.PublishedAt)}</p>
            <p class="excerpt">{p.Excerpt} <a class="more" href="{p.PostUrl}">Continue Reading<span class="visually-hidden">: {p.Title}</span></a></p>
            </article>

            """));
        var body = posts.Count == 0 ? Html.Of($"<p>Nothing has been published in {category.Name} yet.</p>\n") : Html.Join(articles);
        var pagination = pages == 1 ? Markup.Empty : Html.Of($"""
            <nav class="pagination" aria-label="Pages of {category.Name}">
            {(prev is null ? Markup.Empty : Html.Of($"""<a rel="prev" href="{prev}">← Newer posts</a>"""))}
            <span class="position">Page {page} of {pages}</span>
            {(next is null ? Markup.Empty : Html.Of($"""<a rel="next" href="{next}">Older posts →</a>"""))}
            </nav>
            """);
        var main = Html.Of($"""
            <header>
            <h1>Category Archives: {category.Name}</h1>
            {(string.IsNullOrWhiteSpace(category.Description) ? Markup.Empty : Html.Of($"""<p class="lead">{category.Description}</p>"""))}
            <p class="subscribe">Subscribe: {FeedLinks.Subscribe(feeds)}</p>
            </header>
            {body}{pagination}
            """);
        var title = page == 1 ? $"Category Archives: {category.Name} – {site.Title}" : $"Category Archives: {category.Name} (page {page}) – {site.Title}";
        return PageLayout.Render(site, new PageHead(title, feeds, Canonical: UrlOf(site, category.Slug, page), Prev: prev, Next: next), main);
    }

    /// <summary>Page 1 is the bare category URL, so it has one address only.</summary>
    public static string UrlOf(SiteOptions site, string slug, int page) =>
        site.Url(page == 1 ? $"categories/{slug}" : $"categories/{slug}?page={page.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Absent is page 1; anything but a positive whole number is no page at all.</summary>
    private static int? ParsePage(string? page) =>
        page is null ? 1
        : int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : null;
}
