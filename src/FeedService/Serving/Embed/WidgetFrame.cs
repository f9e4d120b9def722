using System.Security.Cryptography;
using System.Text;
using FeedService.Serving.Pages;
using FeedService.Site;

namespace FeedService.Serving.Embed;

/// <summary>
/// /embed/{slug} : the same list as the script widget, as a small self-contained HTML document for an &lt;iframe&gt;.
/// It runs no script; its one style block is allowed by hash; its links open in a new tab (never inside the frame).
/// </summary>
public static class WidgetFrame
{
    private const string Style = """

        :root { color-scheme: light; }
        html { background: #ffffff; color: #1d1d1f; }
        body { margin: 0; padding: 4px 16px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; }
        ul { list-style: none; margin: 0; padding: 0; }
        li { padding: 10px 0; border-top: 1px solid #eceff1; }
        li:first-child { border-top: 0; }
        a { color: #0b57d0; text-decoration: none; }
        a:hover, a:focus-visible { text-decoration: underline; }
        .title { font-weight: 600; overflow-wrap: anywhere; }
        time { display: block; color: #5f6368; font-size: 13px; }
        .excerpt { margin: 4px 0 0; color: #3c4043; font-size: 14px; }
        .more, .empty { margin: 0; padding: 8px 0 10px; border-top: 1px solid #eceff1; font-size: 13px; color: #5f6368; }

        """;

    /// <summary>The CSP source that allows exactly <see cref="Style"/> and no other inline style.</summary>
    public static readonly string StyleHash = "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)));

    public static byte[] Render(SiteOptions site, WidgetFeed feed, int count, bool withExcerpt)
    {
        var items = feed.Items.Take(count).Select(item => Html.Of($"""
            <li><a class="title" href="{item.Url}" target="_blank" rel="noopener">{item.Title}</a>
            <time datetime="{item.Published}">{item.Date}</time>{(withExcerpt && item.Excerpt.Length > 0 ? Html.Of($"""{Html.NewLine}<p class="excerpt">{item.Excerpt}</p>""") : Markup.Empty)}</li>

            """)).ToList();
        var list = items.Count == 0 ? Html.Of($"""<p class="empty">No posts yet.</p>""") : Html.Of($"<ul>\n{items}</ul>");
        var document = Html.Of($"""
            <!DOCTYPE html>
            <html lang="{site.Language}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{feed.Title}: latest posts – {site.Title}</title>
            <style>{new Markup(Style) /* our own constant, hashed in the CSP */}</style>
            </head>
            <body>
            {list}
            <p class="more"><a href="{feed.Home}" target="_blank" rel="noopener">More from {feed.Title}</a></p>
            </body>
            </html>

            """);
        return Encoding.UTF8.GetBytes(document.Value);
    }
}
