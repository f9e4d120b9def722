using System.Text.RegularExpressions;
using FeedService.Api;
using FeedService.Publishing;
using FeedService.Serving.Pages;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.Serving.Embed;

public static partial class EmbedApi
{
    /// <summary>{slug}.js is the script widget, {slug} alone the iframe document; nothing else is looked up.</summary>
    [GeneratedRegex("^(?<slug>[a-z0-9]+(?:-[a-z0-9]+)*)(?<script>\\.js)?$", RegexOptions.CultureInvariant)]
    private static partial Regex EmbedName();

    public static RouteGroupBuilder MapEmbed(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/embed").WithTags("Embed");
        group.MapMethods("/{name}", [HttpMethods.Get, HttpMethods.Head], ServeAsync)
            .Produces(200, contentType: WidgetScript.ContentType).Produces(200, contentType: PageResults.HtmlType).Produces(304).ProducesProblem(404);
        return group;
    }

    /// <summary>count (1..50, default 5) and excerpt (true/false) apply to the iframe; the script reads its data- attributes.</summary>
    private static async Task<IResult> ServeAsync(string name, string? count, string? excerpt, HttpContext context, WidgetFeeds widgets,
        IOptions<SiteOptions> site, IOptions<FeedsOptions> feeds, CancellationToken ct)
    {
        var match = EmbedName().Match(name);
        var feed = match.Success ? await widgets.LoadAsync(match.Groups["slug"].Value, ct) : null;
        var isScript = match.Groups["script"].Success;
        if (isScript) SecurityHeaders.ForCrossOrigin(context.Response);
        else SecurityHeaders.ForFramable(context.Response, WidgetFrame.StyleHash);
        if (feed is null)
        {
            return Problems.NotFound($"There is no widget '{name}'. Widgets are /embed/{{slug}}.js (script) and /embed/{{slug}} (iframe), where slug is a category or 'all'.");
        }

        // Cached like the feeds: host pages load the widget on every view, so most requests should be 304s or cache hits.
        var cacheControl = $"public, max-age={feeds.Value.MaxAgeSeconds}";
        return isScript
            ? CachedBody.Result(context, WidgetScript.Render(site.Value, feed), WidgetScript.ContentType, cacheControl)
            : CachedBody.Result(context, WidgetFrame.Render(site.Value, feed, WidgetFeeds.CountFrom(count), WidgetFeeds.ExcerptFrom(excerpt)), PageResults.HtmlType, cacheControl);
    }
}
