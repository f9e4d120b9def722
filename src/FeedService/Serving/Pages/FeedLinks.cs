using FeedService.Categories;
using FeedService.Site;

namespace FeedService.Serving.Pages;

/// <summary>One published feed document: where it is and how a reader is told about it.</summary>
public sealed record FeedLink(string Slug, string Format, string MediaType, string Url, string Title);

/// <summary>The three documents every feed is published as, and their URLs ({BaseUrl}/feeds/{slug}.rss|.atom|.json).</summary>
public static class FeedLinks
{
    public static readonly (string Extension, string Format, string MediaType)[] Formats =
    [
        ("rss", "RSS", "application/rss+xml"),
        ("atom", "Atom", "application/atom+xml"),
        ("json", "JSON Feed", "application/feed+json"),
    ];

    /// <summary>The feed named <paramref name="title"/> ("Tech", or the site title for <c>all</c>) in every format.</summary>
    public static IReadOnlyList<FeedLink> Of(SiteOptions site, string slug, string title) =>
        [.. Formats.Select(f => new FeedLink(slug, f.Format, f.MediaType, site.Url($"feeds/{slug}.{f.Extension}"), $"{title} ({f.Format})"))];

    public static IReadOnlyList<FeedLink> OfAll(SiteOptions site) => Of(site, Slugs.All, site.Title);

    public static IReadOnlyList<FeedLink> OfCategory(SiteOptions site, string slug, string name) => Of(site, slug, $"{site.Title}: {name}");

    /// <summary>&lt;link rel="alternate"&gt; elements for the head, for feed readers' and browsers' autodiscovery.</summary>
    public static Markup Autodiscovery(IEnumerable<FeedLink> feeds) => Html.Join(feeds.Select(f =>
        Html.Of($"""<link rel="alternate" type="{f.MediaType}" title="{f.Title}" href="{f.Url}">{Html.NewLine}""")));

    /// <summary>"RSS · Atom · JSON Feed" links for people.</summary>
    public static Markup Subscribe(IEnumerable<FeedLink> feeds) => Html.Of($"""<span class="feeds">{Html.Join(feeds.Select(f =>
        Html.Of($"""<a class="feed" href="{f.Url}" type="{f.MediaType}">{f.Format}</a>""")))}</span>""");
}
