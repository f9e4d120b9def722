using FeedService.Api;

namespace FeedService.Serving;

public static class FeedsApi
{
    /// <summary>
    /// Answers GET and HEAD of every feed document in memory (200 and 304) before the rest of the pipeline runs:
    /// no routing, parameter binding, exception or status-code middleware for the requests pollers make most.
    /// Anything else it leaves to the endpoints below (unknown names, failed preconditions, other methods).
    /// </summary>
    public static IApplicationBuilder UseFeedResponses(this IApplicationBuilder app)
    {
        var responder = app.ApplicationServices.GetRequiredService<FeedResponder>();
        return app.Use(next => context => responder.TryAnswer(context) ?? next(context));
    }

    public static IEndpointRouteBuilder MapFeeds(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/feeds/{file}", [HttpMethods.Get, HttpMethods.Head], ServeCurrent)
            .WithTags("Feeds").Produces(200).Produces(304).ProducesProblem(404);
        app.MapMethods("/feeds/archive/{slug}/{file}", [HttpMethods.Get, HttpMethods.Head], ServeArchive)
            .WithTags("Feeds").Produces(200).Produces(304).ProducesProblem(404).ProducesProblem(503);
        return app;
    }

    private static IResult ServeCurrent(string file, HttpContext context, FeedResponder responder)
    {
        var feed = FeedCache.IsCurrentName(file) ? responder.Cache.GetCurrent(file) : null;
        return Serve(context, responder, feed,
            $"There is no feed '{file}'. Feeds are /feeds/{{slug}}.rss, .atom and .json, where slug is a category or 'all'.");
    }

    /// <summary>
    /// An RFC 5005 archive page, rendered when first asked for. Pages older than the newest never change, so they may be
    /// cached for long.
    /// </summary>
    private static async Task<IResult> ServeArchive(string slug, string file, HttpContext context, FeedResponder responder,
        ArchiveResponses archive)
    {
        ServedFeed? feed = null;
        if (FeedCache.IsArchiveName(slug, file) && ArchiveResponses.TryParsePage(file, out var page, out var extension))
        {
            try
            {
                feed = await archive.GetAsync(slug, page, extension, context.RequestAborted);
            }
            catch (TimeoutException)
            {
                context.Response.Headers.RetryAfter = "5";
                return Problems.Unavailable("The archive is being prepared after a start-up; try again in a few seconds.");
            }
        }
        return Serve(context, responder, feed, $"There is no archive page '{slug}/{file}'.");
    }

    private static IResult Serve(HttpContext context, FeedResponder responder, ServedFeed? feed, string notFound)
    {
        if (feed is null)
        {
            context.Response.Headers.AccessControlAllowOrigin = "*";
            return Problems.NotFound(notFound);
        }
        var (served, variant) = responder.Select(context.Request, feed);
        return new FeedResult(served, variant, responder.Evaluate(context.Request.Headers, served, variant));
    }

    /// <summary>A feed document answered as <see cref="FeedResponder.Write"/> answers it on the fast path.</summary>
    private sealed class FeedResult(ServedFeed feed, FeedVariant variant, FeedResponder.Precondition state) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => FeedResponder.Write(httpContext, feed, variant, state);
    }
}
