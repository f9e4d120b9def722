namespace FeedService.Serving.Pages;

public static class AssetsApi
{
    /// <summary>A day: pages link the stylesheet by version, so a changed one is a new URL anyway.</summary>
    private const string CacheControl = "public, max-age=86400";

    public static RouteGroupBuilder MapSiteAssets(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/assets").WithTags("Pages").ExcludeFromDescription();
        group.MapMethods("/site.css", [HttpMethods.Get, HttpMethods.Head], Stylesheet);
        return group;
    }

    private static IResult Stylesheet(HttpContext context)
    {
        SecurityHeaders.Common(context.Response);
        return CachedBody.Result(context, SiteStylesheet.Bytes, "text/css; charset=utf-8", CacheControl);
    }
}
