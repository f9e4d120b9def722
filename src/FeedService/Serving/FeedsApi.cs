using System.Text.RegularExpressions;
using FeedService.Api;
using FeedService.Options;
using FeedService.Publishing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FeedService.Serving;

public static partial class FeedsApi
{
    /// <summary>The only names that ever reach the file system: a slug and a known extension...</summary>
    [GeneratedRegex("^([a-z0-9]+(?:-[a-z0-9]+)*)\\.(rss|atom|json)$", RegexOptions.CultureInvariant)]
    private static partial Regex FeedFileName();

    /// <summary>...or, for an archive page, a page number and a known extension.</summary>
    [GeneratedRegex("^([1-9][0-9]{0,8})\\.(rss|atom|json)$", RegexOptions.CultureInvariant)]
    private static partial Regex ArchiveFileName();

    public static IEndpointRouteBuilder MapFeeds(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/feeds/{file}", [HttpMethods.Get, HttpMethods.Head], ServeCurrent)
            .WithTags("Feeds").Produces(200).Produces(304).ProducesProblem(404);
        app.MapMethods("/feeds/archive/{slug}/{file}", [HttpMethods.Get, HttpMethods.Head], ServeArchive)
            .WithTags("Feeds").Produces(200).Produces(304).ProducesProblem(404);
        return app;
    }

    private static IResult ServeCurrent(string file, HttpContext context, FeedCache cache, IOptions<FeedsOptions> options, IOptions<SiteOptions> site, WebSub.HubLinks hubs)
    {
        var match = FeedFileName().Match(file);
        var feed = match.Success ? cache.Get(file, MediaTypes.ServedAs(match.Groups[2].Value)) : null;
        // WebSub discovery (section 4): the hubs and the topic URL also travel as HTTP Link headers.
        if (feed is not null) context.Response.Headers.Link = hubs.LinkHeader(site.Value.Url($"feeds/{file}"));
        return Serve(context, feed, options.Value.MaxAgeSeconds,
            $"There is no feed '{file}'. Feeds are /feeds/{{slug}}.rss, .atom and .json, where slug is a category or 'all'.");
    }

    /// <summary>An RFC 5005 archive page. Pages older than the newest never change, so they may be cached for long.</summary>
    private static IResult ServeArchive(string slug, string file, HttpContext context, FeedCache cache, IOptions<FeedsOptions> options)
    {
        var match = ArchiveFileName().Match(file);
        var valid = match.Success && Categories.Slugs.IsValid(slug);
        var feed = valid ? cache.Get($"archive/{slug}/{file}", MediaTypes.ServedAs(match.Groups[2].Value), NextPageOf(slug, match)) : null;
        var maxAge = feed?.Immutable == true ? options.Value.ArchiveMaxAgeSeconds : options.Value.MaxAgeSeconds;
        return Serve(context, feed, maxAge, $"There is no archive page '{slug}/{file}'.");
    }

    private static string NextPageOf(string slug, Match match) =>
        ArchivePaths.Of(slug, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1, match.Groups[2].Value);

    private static IResult Serve(HttpContext context, ServedFeed? feed, int maxAgeSeconds, string notFound)
    {
        var response = context.Response;
        response.Headers.AccessControlAllowOrigin = "*";
        if (feed is null) return Problems.NotFound(notFound);

        var variant = ChooseVariant(context.Request, feed);
        response.Headers.CacheControl = $"public, max-age={maxAgeSeconds}";
        response.Headers.Vary = VaryHeader;
        response.Headers.AccessControlExposeHeaders = "ETag, Last-Modified, Link";
        if (variant.ContentEncoding is not null) response.Headers.ContentEncoding = variant.ContentEncoding;

        var (contentType, etag) = (feed.ContentType, variant.ETag);
        if (IsBrowserNavigation(context.Request) && !feed.ContentType.StartsWith("application/feed+json", StringComparison.Ordinal))
        {
            // A person opened the feed in a browser tab. Browsers show application/rss+xml as plain text but apply
            // the document's xml-stylesheet to application/xml, so the same bytes go out as XML and render as a
            // readable page. Feed readers never send Sec-Fetch-Dest (only browsers can).
            contentType = "application/xml; charset=utf-8";
            etag = new EntityTagHeaderValue(variant.ETag.Tag.Value!.Insert(variant.ETag.Tag.Length - 1, "-x"));
        }

        // RFC 9110 13.2.2: when If-None-Match is present, If-Modified-Since is ignored. The framework's own
        // evaluation (weak comparison for If-None-Match, 304 or 200, HEAD without a body) does the rest.
        if (context.Request.Headers.IfNoneMatch.Count > 0) context.Request.Headers.Remove(HeaderNames.IfModifiedSince);
        return TypedResults.Bytes(variant.Body, contentType, lastModified: feed.LastModified, entityTag: etag);
    }

    private const string VaryHeader = "Accept-Encoding, Sec-Fetch-Dest";

    private static bool IsBrowserNavigation(HttpRequest request) =>
        string.Equals(request.Headers["Sec-Fetch-Dest"], "document", StringComparison.OrdinalIgnoreCase);

    /// <summary>Brotli, then gzip, then the plain bytes, as far as the client's Accept-Encoding allows.</summary>
    private static FeedVariant ChooseVariant(HttpRequest request, ServedFeed feed)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        if (accepted.Count == 0) return feed.Identity;
        double Quality(string coding)
        {
            var exact = accepted.FirstOrDefault(a => a.Value.Equals(coding, StringComparison.OrdinalIgnoreCase));
            var any = accepted.FirstOrDefault(a => a.Value == "*");
            var chosen = exact ?? any;
            return chosen is null ? 0 : chosen.Quality ?? 1;
        }
        var br = feed.Brotli is null ? 0 : Quality("br");
        var gzip = feed.Gzip is null ? 0 : Quality("gzip");
        if (br > 0 && br >= gzip) return feed.Brotli!;
        if (gzip > 0) return feed.Gzip!;
        return feed.Identity;
    }
}
