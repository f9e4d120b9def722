using FeedService.Categories;
using FeedService.Publishing;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.Serving.Pages;

public static class PublishedFeedsApi
{
    public const string OpmlType = "text/x-opml; charset=utf-8";

    public static RouteGroupBuilder MapPublishedFeedsOpml(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Feeds");
        group.MapMethods("/feeds.opml", [HttpMethods.Get, HttpMethods.Head], OpmlAsync).Produces(200, contentType: "text/x-opml").Produces(304);
        return group;
    }

    private static async Task<IResult> OpmlAsync(HttpContext context, CategoryStore categories, IOptions<SiteOptions> site,
        IOptions<FeedsOptions> feeds, CancellationToken ct)
    {
        SecurityHeaders.ForCrossOrigin(context.Response);
        var body = PublishedFeedsOpml.Write(site.Value, await categories.ListAsync(ct));
        return CachedBody.Result(context, body, OpmlType, $"public, max-age={feeds.Value.MaxAgeSeconds}");
    }
}
