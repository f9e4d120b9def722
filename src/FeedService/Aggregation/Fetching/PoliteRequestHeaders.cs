using FeedService.Site;

namespace FeedService.Aggregation.Fetching;

/// <summary>The headers every fetch sends: who we are, what we want, and what we already have.</summary>
internal sealed class PoliteRequestHeaders(string userAgent)
{
    /// <summary>Feed types first; generic XML/JSON and HTML (for feed autodiscovery) as fallbacks.</summary>
    public const string Accept =
        "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, " +
        "application/xml;q=0.8, text/xml;q=0.8, application/json;q=0.7, text/html;q=0.5, */*;q=0.1";

    public string UserAgent { get; } = userAgent;

    /// <summary>An honest User-Agent: product, version and a URL where the operator can be found, e.g. "FeedService/0.1.0 (+https://example.org)".</summary>
    public static PoliteRequestHeaders For(SiteOptions site)
    {
        var version = typeof(PoliteRequestHeaders).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        return new PoliteRequestHeaders($"FeedService/{version} (+{site.BaseUrl})");
    }

    public void ApplyTo(HttpRequestMessage message, FetchRequest request)
    {
        // Without validation: the stored validators go back byte for byte (HttpClient would re-format a valid one
        // and reject an odd one), and the product comment in the User-Agent holds a URL.
        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        message.Headers.TryAddWithoutValidation("Accept", Accept);
        if (!string.IsNullOrEmpty(request.ETag)) message.Headers.TryAddWithoutValidation("If-None-Match", request.ETag);
        if (!string.IsNullOrEmpty(request.LastModified)) message.Headers.TryAddWithoutValidation("If-Modified-Since", request.LastModified);
        // Accept-Encoding (gzip, deflate, br) is added by the handler's automatic decompression.
    }
}
