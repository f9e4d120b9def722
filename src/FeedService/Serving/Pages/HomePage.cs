using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.Serving.Pages;

/// <summary>/ : every category with its visible post count and feeds; autodiscovery of every feed we publish.</summary>
public static class HomePage
{
    public static async Task<IResult> ShowAsync(HttpContext context, PageQueries queries, IOptions<SiteOptions> options, CancellationToken ct)
    {
        var site = options.Value;
        var categories = await queries.CategoriesWithCountsAsync(ct);
        var total = await queries.VisiblePostsAsync(ct);
        return PageResults.Page(context, Render(site, categories, total));
    }

    public static Markup Render(SiteOptions site, IReadOnlyList<CategoryCount> categories, long visiblePosts)
    {
        var feeds = FeedLinks.OfAll(site).Concat(categories.SelectMany(c => FeedLinks.OfCategory(site, c.Slug, c.Name))).ToList();
        var items = categories.Select(c => Html.Of($"""
            <li>
            <h2><a href="{site.Url($"categories/{c.Slug}")}">{c.Name}</a></h2> <span class="count">{Posts(c.VisiblePosts)}</span>
            {(string.IsNullOrWhiteSpace(c.Description) ? Markup.Empty : Html.Of($"<p>{c.Description}</p>"))}
            <p class="subscribe">{FeedLinks.Subscribe(FeedLinks.OfCategory(site, c.Slug, c.Name))}</p>
            </li>

            """));
        var list = categories.Count == 0
            ? Html.Of($"""<p>There are no categories yet.</p>""")
            : Html.Of($"""
                <ul class="categories">
                {items}</ul>
                """);
        var main = Html.Of($"""
            <h1>{site.Title}</h1>
            <p class="lead">{site.Description}</p>
            <section aria-labelledby="categories">
            <h2 id="categories" class="visually-hidden">Categories</h2>
            {list}
            </section>
            <section aria-labelledby="everything">
            <h2 id="everything">Everything</h2>
            <p>All {Posts(visiblePosts)} in one feed: {FeedLinks.Subscribe(FeedLinks.OfAll(site))}. Or subscribe to every feed at once with <a href="{site.Url("feeds.opml")}" type="text/x-opml">the OPML list</a>.</p>
            </section>
            """);
        return PageLayout.Render(site, new PageHead(site.Title, feeds, Canonical: site.Url(""), Description: site.Description), main);
    }

    public static string Posts(long count) => count == 1 ? "1 post" : $"{count} posts";
}
