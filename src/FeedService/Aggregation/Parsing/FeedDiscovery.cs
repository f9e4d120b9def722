using AngleSharp.Html.Parser;

namespace FeedService.Aggregation.Parsing;

/// <summary>Finds the feeds an HTML page advertises (&lt;link rel="alternate" type="application/rss+xml" href="..."&gt;).</summary>
public static class FeedDiscovery
{
    private static readonly HashSet<string> FeedTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
    };

    /// <summary>
    /// The advertised feed URLs, absolute (against &lt;base href&gt;, else the page URL), http(s) only, without duplicates,
    /// in document order. Never throws for a bad page.
    /// </summary>
    public static IReadOnlyList<Uri> FindFeedLinks(byte[] html, string? contentType, Uri pageUrl)
    {
        ArgumentNullException.ThrowIfNull(pageUrl);
        if (html is null || html.Length == 0) return [];
        var document = new HtmlParser().ParseDocument(TextDecoding.DecodeHtml(html, contentType));
        var baseUrl = document.QuerySelector("base[href]")?.GetAttribute("href") is { } baseHref
            && FeedUrls.TryResolve(baseHref, pageUrl, out var resolvedBase) ? resolvedBase : pageUrl;
        var found = new List<Uri>();
        foreach (var link in document.QuerySelectorAll("link[href]"))
        {
            var rel = link.GetAttribute("rel") ?? "";
            if (!rel.Split((char[])[' ', '\t', '\n', '\r', '\f'], StringSplitOptions.RemoveEmptyEntries).Contains("alternate", StringComparer.OrdinalIgnoreCase)) continue;
            var type = (link.GetAttribute("type") ?? "").Split(';', 2)[0].Trim();
            if (!FeedTypes.Contains(type)) continue;
            if (!FeedUrls.TryResolve(link.GetAttribute("href"), baseUrl, out var url) || url.Scheme is not ("http" or "https")) continue;
            if (!found.Contains(url)) found.Add(url);
        }
        return found;
    }

    /// <summary>
    /// Whether a response is an HTML page rather than a feed. The body decides first (feeds are often served as text/html,
    /// pages sometimes as text/xml); only when it is inconclusive does the Content-Type.
    /// </summary>
    public static bool LooksLikeHtml(byte[] body, string? contentType)
    {
        if (body is not null && DocumentSniffer.StartsLikeFeed(body) is { } isFeed) return !isFeed;
        var mediaType = (contentType ?? "").Split(';', 2)[0].Trim();
        return mediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase);
    }
}
