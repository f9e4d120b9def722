using System.Text;
using FeedService.Api;
using FeedService.Site;

namespace FeedService.Serving.Pages;

/// <summary>How a rendered page, or the lack of one, goes out: security headers always, ETag on pages, 404 as HTML or problem+json.</summary>
public static class PageResults
{
    public const string HtmlType = "text/html; charset=utf-8";

    /// <summary>Pages change whenever a post does, so browsers revalidate every time; the ETag makes that a 304.</summary>
    private const string PageCacheControl = "no-cache";

    public static IResult Page(HttpContext context, Markup document)
    {
        SecurityHeaders.ForPage(context.Response);
        return CachedBody.Result(context, Encoding.UTF8.GetBytes(document.Value), HtmlType, PageCacheControl);
    }

    /// <summary>A 404 page for browsers (anything that accepts text/html), problem+json for everyone else.</summary>
    public static IResult NotFound(HttpContext context, SiteOptions site, string detail)
    {
        SecurityHeaders.ForPage(context.Response);
        if (!AcceptsHtml(context.Request)) return Problems.NotFound(detail);
        var main = Html.Of($"""
            <h1>Not found</h1>
            <p class="lead">{detail}</p>
            <p><a href="{site.Url("")}">Go to the home page</a></p>
            """);
        var page = PageLayout.Render(site, new PageHead($"Not found – {site.Title}", FeedLinks.OfAll(site)), main);
        context.Response.Headers.CacheControl = PageCacheControl;
        return TypedResults.Content(page.Value, HtmlType, Encoding.UTF8, StatusCodes.Status404NotFound);
    }

    private static bool AcceptsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) && a.Quality is not 0);
}
