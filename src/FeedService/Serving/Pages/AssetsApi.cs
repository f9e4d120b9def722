namespace FeedService.Serving.Pages;

public static class AssetsApi
{
    /// <summary>A day: pages link the stylesheet by version, so a changed one is a new URL anyway.</summary>
    private const string CacheControl = "public, max-age=86400";

    public static RouteGroupBuilder MapSiteAssets(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/assets").WithTags("Pages").ExcludeFromDescription();
        group.MapMethods("/site.css", [HttpMethods.Get, HttpMethods.Head], Stylesheet);
        group.MapMethods("/icon.svg", [HttpMethods.Get, HttpMethods.Head], Icon);
        group.MapMethods("/feed.xsl", [HttpMethods.Get, HttpMethods.Head], FeedXsl);
        return group;
    }

    private static IResult Stylesheet(HttpContext context)
    {
        SecurityHeaders.Common(context.Response);
        return CachedBody.Result(context, SiteAssets.Stylesheet.Bytes, SiteAssets.Stylesheet.ContentType, CacheControl);
    }

    private static IResult FeedXsl(HttpContext context)
    {
        SecurityHeaders.Common(context.Response);
        return CachedBody.Result(context, FeedStylesheet.Bytes, "text/xsl; charset=utf-8", CacheControl);
    }

    private static IResult Icon(HttpContext context)
    {
        SecurityHeaders.Common(context.Response);
        // An SVG opened on its own is a document: it may run nothing and load nothing.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'";
        return CachedBody.Result(context, SiteAssets.Icon.Bytes, SiteAssets.Icon.ContentType, CacheControl);
    }
}
