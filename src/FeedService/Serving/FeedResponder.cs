using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace FeedService.Serving;

/// <summary>
/// Answers a request for a feed document: picks the representation (browser page or feed; brotli, gzip or identity),
/// evaluates the request's preconditions as RFC 9110 orders them, and writes the prepared headers and bytes. Feed
/// readers poll these URLs far more than anything else is asked for, so the common request (no precondition, or an
/// If-None-Match that repeats the current ETag) allocates nothing.
/// </summary>
public sealed class FeedResponder(TimeProvider clock)
{
    public enum Precondition
    {
        // Ordered as RFC 9110 13.2.2 resolves them: the highest state wins.
        Unspecified,
        NotModified,
        ShouldProcess,
        Failed,
    }

    private const string VaryHeader = "Accept-Encoding, Sec-Fetch-Dest";
    private const string ExposedHeaders = "ETag, Last-Modified, Link";
    private const int MaxRememberedAcceptEncodings = 256;

    // Accept-Encoding values seen (clients send a handful of distinct ones), reduced to the qualities of br and gzip.
    private readonly ConcurrentDictionary<string, (double Br, double Gzip)> _acceptEncodings = new(StringComparer.Ordinal);

    /// <summary>The representation a request gets: the browser page for a tab's navigation, then the best encoding it accepts.</summary>
    public (ServedFeed Feed, FeedVariant Variant) Select(HttpRequest request, ServedFeed feed)
    {
        // A person opened the feed in a browser tab: browsers show application/rss+xml as plain text but apply the
        // document's xml-stylesheet to application/xml. Feed readers never send Sec-Fetch-Dest (only browsers can).
        if (feed.ForBrowser is { } page && string.Equals(request.Headers["Sec-Fetch-Dest"], "document", StringComparison.OrdinalIgnoreCase))
            feed = page;
        return (feed, ChooseVariant(request.Headers.AcceptEncoding, feed));
    }

    /// <summary>
    /// If-Match, If-None-Match (weak comparison), If-Modified-Since and If-Unmodified-Since against the variant's ETag and
    /// the document's Last-Modified, with the precedence ASP.NET Core's file results apply. When If-None-Match is present,
    /// If-Modified-Since is ignored (RFC 9110 13.2.2).
    /// </summary>
    public Precondition Evaluate(IHeaderDictionary headers, ServedFeed feed, FeedVariant variant)
    {
        var ifMatch = headers.IfMatch;
        var ifNoneMatch = headers.IfNoneMatch;
        var ifUnmodifiedSince = headers.IfUnmodifiedSince;
        if (ifMatch.Count == 0 && ifUnmodifiedSince.Count == 0)
        {
            // What pollers send: nothing, or the ETag they were given.
            if (ifNoneMatch.Count == 1 && string.Equals(ifNoneMatch[0], variant.ETagText, StringComparison.Ordinal)) return Precondition.NotModified;
            if (ifNoneMatch.Count == 0 && headers.IfModifiedSince.Count == 0) return Precondition.Unspecified;
        }

        var state = TagState(ifMatch, variant.ETag, strong: true, found: Precondition.ShouldProcess, notFound: Precondition.Failed);
        state = Max(state, TagState(ifNoneMatch, variant.ETag, strong: false, found: Precondition.NotModified, notFound: Precondition.ShouldProcess));
        var ifModifiedSince = ifNoneMatch.Count > 0 ? StringValues.Empty : headers.IfModifiedSince;
        if (ifModifiedSince.Count > 0 || ifUnmodifiedSince.Count > 0)
        {
            var now = clock.GetUtcNow();
            now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
            if (Date(ifModifiedSince) is { } since && since <= now)
                state = Max(state, since < feed.LastModified ? Precondition.ShouldProcess : Precondition.NotModified);
            if (Date(ifUnmodifiedSince) is { } unmodifiedSince && unmodifiedSince <= now)
                state = Max(state, unmodifiedSince >= feed.LastModified ? Precondition.ShouldProcess : Precondition.Failed);
        }
        return state;
    }

    /// <summary>The whole answer: representation, preconditions, headers and body.</summary>
    public Task Answer(HttpContext context, ServedFeed feed)
    {
        var (served, variant) = Select(context.Request, feed);
        return Write(context, served, variant, Evaluate(context.Request.Headers, served, variant));
    }

    /// <summary>Sets the headers and, for 200 to a GET, writes the body. 304 and 412 carry the validators and no body.</summary>
    public static Task Write(HttpContext context, ServedFeed feed, FeedVariant variant, Precondition state)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.CacheControl = feed.CacheControl;
        headers.Vary = VaryHeader;
        headers.AccessControlExposeHeaders = ExposedHeaders;
        headers.ETag = variant.ETagText;
        if (state == Precondition.NotModified)
        {
            // RFC 9110 15.4.5: a 304 carries the validator and the caching fields (ETag, Cache-Control, Vary, Date) and
            // no other representation metadata: the client already has the rest, and pollers make this request most.
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        if (variant.ContentEncoding is not null) headers.ContentEncoding = variant.ContentEncoding;
        // WebSub discovery (section 4): the hubs and the topic URL also travel as HTTP Link headers.
        if (feed.Link is not null) headers.Link = feed.Link;
        headers.LastModified = feed.LastModifiedText;
        switch (state)
        {
            case Precondition.Failed:
                response.StatusCode = StatusCodes.Status412PreconditionFailed;
                return Task.CompletedTask;
        }
        headers.ContentType = feed.ContentType;
        response.ContentLength = variant.Body.Length;
        if (HttpMethods.IsHead(context.Request.Method)) return Task.CompletedTask;
        var write = response.BodyWriter.WriteAsync(variant.Body);
        return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
    }

    /// <summary>Brotli, then gzip, then the plain bytes, as far as the client's Accept-Encoding allows.</summary>
    private FeedVariant ChooseVariant(StringValues acceptEncoding, ServedFeed feed)
    {
        if (StringValues.IsNullOrEmpty(acceptEncoding)) return feed.Identity;
        var (brQuality, gzipQuality) = Qualities(acceptEncoding);
        var br = feed.Brotli is null ? 0 : brQuality;
        var gzip = feed.Gzip is null ? 0 : gzipQuality;
        if (br > 0 && br >= gzip) return feed.Brotli!;
        if (gzip > 0) return feed.Gzip!;
        return feed.Identity;
    }

    private (double Br, double Gzip) Qualities(StringValues acceptEncoding)
    {
        var single = acceptEncoding.Count == 1 ? acceptEncoding[0] : null;
        if (single is not null && _acceptEncodings.TryGetValue(single, out var known)) return known;
        IList<StringWithQualityHeaderValue> accepted = StringWithQualityHeaderValue.TryParseList(acceptEncoding, out var parsed) ? parsed : [];
        double Quality(string coding)
        {
            var exact = accepted.FirstOrDefault(a => a.Value.Equals(coding, StringComparison.OrdinalIgnoreCase));
            var any = accepted.FirstOrDefault(a => a.Value == "*");
            var chosen = exact ?? any;
            return chosen is null ? 0 : chosen.Quality ?? 1;
        }
        var qualities = (Quality("br"), Quality("gzip"));
        // Bounded: arbitrary values from clients must not grow memory.
        if (single is not null && _acceptEncodings.Count < MaxRememberedAcceptEncodings) _acceptEncodings.TryAdd(single, qualities);
        return qualities;
    }

    private static Precondition TagState(StringValues header, EntityTagHeaderValue etag, bool strong, Precondition found, Precondition notFound)
    {
        // As the framework reads the header: an unparsable list counts as absent.
        if (StringValues.IsNullOrEmpty(header) || !EntityTagHeaderValue.TryParseList(header, out var tags) || tags.Count == 0)
            return Precondition.Unspecified;
        foreach (var tag in tags)
            if (tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, strong)) return found;
        return notFound;
    }

    private static DateTimeOffset? Date(StringValues header) =>
        !StringValues.IsNullOrEmpty(header) && HeaderUtilities.TryParseDate(header.ToString(), out var date) ? date : null;

    private static Precondition Max(Precondition a, Precondition b) => a > b ? a : b;
}
