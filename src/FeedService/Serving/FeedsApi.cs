using FeedService.Api;

namespace FeedService.Serving;

public static class FeedsApi
{
    private const string Prefix = "/feeds/";

    /// <summary>
    /// The one entry point for everything under /feeds/: current documents and archive pages, GET and HEAD, with 200, 304
    /// and 412, and the refusals (404 for a name that is no feed's, 405 for other methods, 503 while the archive is being
    /// prepared after a start-up) as problem+json. It runs before routing: pollers make these requests far more than any
    /// other, and they need no routing or parameter binding.
    /// </summary>
    public static IApplicationBuilder UseFeeds(this IApplicationBuilder app)
    {
        var cache = app.ApplicationServices.GetRequiredService<FeedCache>();
        var archive = app.ApplicationServices.GetRequiredService<ArchiveResponses>();
        var responder = app.ApplicationServices.GetRequiredService<FeedResponder>();
        return app.Use(next => context =>
        {
            var path = context.Request.Path.Value;
            if (path is null || !path.StartsWith(Prefix, StringComparison.Ordinal)) return next(context);
            var method = context.Request.Method;
            if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method)) return RefuseMethod(context);
            // A document in memory is answered without an await: the request pollers make most.
            return cache.Find(path.AsSpan(Prefix.Length)) is { } feed
                ? responder.Answer(context, feed)
                : AnswerMissAsync(context, path[Prefix.Length..], archive, responder);
        });
    }

    /// <summary>An archive page not rendered yet (rendered now), or a name that is no feed's.</summary>
    private static async Task AnswerMissAsync(HttpContext context, string name, ArchiveResponses archive, FeedResponder responder)
    {
        var parts = name.Split('/');
        if (parts is ["archive", var slug, var file] && FeedCache.IsArchiveName(slug, file)
            && ArchiveResponses.TryParsePage(file, out var page, out var extension))
        {
            ServedFeed? rendered;
            try
            {
                rendered = await archive.GetAsync(slug, page, extension, context.RequestAborted);
            }
            catch (TimeoutException)
            {
                context.Response.Headers.RetryAfter = "5";
                await Problems.Unavailable("The archive is being prepared after a start-up; try again in a few seconds.").ExecuteAsync(context);
                return;
            }
            if (rendered is not null)
            {
                await responder.Answer(context, rendered);
                return;
            }
        }
        context.Response.Headers.AccessControlAllowOrigin = "*";
        await Problems.NotFound(parts[0] == "archive"
            ? $"There is no archive page '{name}'."
            : $"There is no feed '{name}'. Feeds are /feeds/{{slug}}.rss, .atom and .json, where slug is a category or 'all'.").ExecuteAsync(context);
    }

    private static Task RefuseMethod(HttpContext context)
    {
        context.Response.Headers.Allow = "GET, HEAD";
        return TypedResults.Problem("Feeds are read with GET or HEAD.", statusCode: StatusCodes.Status405MethodNotAllowed,
            title: "Method not allowed").ExecuteAsync(context);
    }
}
