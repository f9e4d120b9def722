using System.Globalization;
using FeedService.Site;

namespace FeedService.Serving.Pages;

/// <summary>What a page puts in its head besides the title: the feeds it relates to and its place among other pages.</summary>
public sealed record PageHead(string Title, IReadOnlyList<FeedLink> Feeds, string? Canonical = null, string? Description = null,
    string? Prev = null, string? Next = null);

/// <summary>The HTML5 document around every page: head with autodiscovery links, site header, main, footer.</summary>
public static class PageLayout
{
    public static Markup Render(SiteOptions site, PageHead head, Markup main) => Html.Of($"""
        <!DOCTYPE html>
        <html lang="{site.Language}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{head.Title}</title>
        {Optional(head.Description, d => Html.Of($"""<meta name="description" content="{d}">{Html.NewLine}"""))}<meta name="generator" content="FeedService">
        <link rel="stylesheet" href="{SiteAssets.Stylesheet.Url(site)}">
        <link rel="icon" href="{SiteAssets.Icon.Url(site)}" type="image/svg+xml">
        {Optional(head.Canonical, u => Html.Of($"""<link rel="canonical" href="{u}">{Html.NewLine}"""))}{Optional(head.Prev, u => Html.Of($"""<link rel="prev" href="{u}">{Html.NewLine}"""))}{Optional(head.Next, u => Html.Of($"""<link rel="next" href="{u}">{Html.NewLine}"""))}{FeedLinks.Autodiscovery(head.Feeds)}</head>
        <body>
        <header class="site-header"><a class="site-title" href="{site.Url("")}">{site.Title}</a></header>
        <main>
        {main}
        </main>
        <footer class="site-footer">
        <p>Subscribe to everything: {FeedLinks.Subscribe(FeedLinks.OfAll(site))} · <a href="{site.Url("feeds.opml")}" type="text/x-opml">every feed as OPML</a></p>
        </footer>
        </body>
        </html>

        """);

    /// <summary>"15 December 2016" in a &lt;time&gt; element that carries the exact instant.</summary>
    public static Markup Date(DateTimeOffset when) =>
        Html.Of($"""<time datetime="{when.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}">{DisplayDate(when)}</time>""");

    public static string DisplayDate(DateTimeOffset when) => when.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    private static Markup Optional(string? value, Func<string, Markup> render) => value is null ? Markup.Empty : render(value);
}
