using System.Globalization;
using FeedService.Categories;
using FeedService.Posts;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.Serving.Pages;

/// <summary>
/// /posts/{id} : the permalink feeds give a local post, with its full sanitized HTML. An aggregated post shows its
/// excerpt and sends the reader to the original article. Drafts and scheduled posts do not exist here.
/// </summary>
public static class PostPage
{
    private const int ExcerptLength = 600;

    public static async Task<IResult> ShowAsync(string id, HttpContext context, PostStore posts, CategoryStore categories,
        PostLinks links, TimeProvider clock, IOptions<SiteOptions> options, CancellationToken ct)
    {
        var site = options.Value;
        var post = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? await posts.GetAsync(number, ct) : null;
        if (post is null || !post.IsVisibleAt(clock.GetUtcNow())) return PageResults.NotFound(context, site, $"There is no post '{id}'.");
        var names = (await categories.ListAsync(ct)).ToDictionary(c => c.Slug, c => c.Name, StringComparer.Ordinal);
        var postCategories = post.Categories.Where(names.ContainsKey).Select(slug => (Slug: slug, Name: names[slug])).ToList();
        return PageResults.Page(context, Render(site, post, postCategories, links.PermalinkOf(post.Id)));
    }

    public static Markup Render(SiteOptions site, Post post, IReadOnlyList<(string Slug, string Name)> categories, string permalink)
    {
        var original = Html.IsWebUrl(post.Link) ? post.Link : null;
        var aggregated = post.SourceUrl is not null;
        var body = aggregated ? Excerpt(post) : Html.Sanitized(post.Content);
        var feeds = categories.Count == 0
            ? FeedLinks.OfAll(site)
            : categories.SelectMany(c => FeedLinks.OfCategory(site, c.Slug, c.Name)).ToList();
        var author = string.IsNullOrWhiteSpace(post.Author) ? site.DefaultAuthor : post.Author;
        var inCategories = categories.Count == 0 ? Markup.Empty
            : Html.Of($" · in {Html.Join(categories.Select((c, i) => Html.Of($"""{(i > 0 ? ", " : "")}<a href="{site.Url($"categories/{c.Slug}")}">{c.Name}</a>""")))}");
        var source = !aggregated ? Markup.Empty
            : Html.Of($"""<p class="meta">Republished from {(string.IsNullOrWhiteSpace(post.SourceTitle) ? post.SourceUrl : post.SourceTitle)}</p>{Html.NewLine}""");
        var readOriginal = original is null ? Markup.Empty
            : aggregated ? Html.Of($"""<p class="original"><a href="{original}">Read the original at {HostOf(original)}</a></p>{Html.NewLine}""")
            : original != permalink ? Html.Of($"""<p class="original">Also at <a href="{original}">{HostOf(original)}</a></p>{Html.NewLine}""")
            : Markup.Empty;
        var subscribe = categories.Count == 0 ? Markup.Empty
            : Html.Of($"""<p class="subscribe">Follow {Html.Join(categories.Select((c, i) => Html.Of($"""{(i > 0 ? "; " : "")}{c.Name}: {FeedLinks.Subscribe(FeedLinks.OfCategory(site, c.Slug, c.Name))}""")))}</p>{Html.NewLine}""");
        var main = Html.Of($"""
            <article class="post">
            <h1>{post.Title}</h1>
            <p class="meta">{PageLayout.Date(post.PublishedAt)} · by {author}{inCategories}</p>
            {source}<div class="content">
            {body}
            </div>
            {readOriginal}</article>
            {subscribe}
            """);
        // An aggregated post's canonical page is the original article.
        var canonical = aggregated && original is not null ? original : permalink;
        return PageLayout.Render(site, new PageHead($"{post.Title} – {site.Title}", feeds, Canonical: canonical), main);
    }

    private static Markup Excerpt(Post post) =>
        post.Summary.Length > 0 ? Html.Sanitized(post.Summary) : Html.Of($"<p>{PlainText.Excerpt(post.Content, ExcerptLength)}</p>");

    private static string HostOf(string url) => new Uri(url).Host;
}
