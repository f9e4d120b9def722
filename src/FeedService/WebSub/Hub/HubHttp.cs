using FeedService.Aggregation;
using FeedService.Aggregation.Fetching;
using FeedService.Site;

namespace FeedService.WebSub.Hub;

/// <summary>
/// The HttpClient the hub talks to subscribers with (verifications and deliveries): every connection goes through the
/// SSRF guard (a callback that resolved to a public address when it subscribed may point at 10.0.0.1 now), redirects
/// are not followed (a 3xx is a failed delivery, not an invitation to post the feed elsewhere), no proxy, no cookies.
/// </summary>
public static class HubHttp
{
    /// <summary>The DI key of the hub's HttpClient, so it never collides with anyone else's.</summary>
    public const string ClientKey = "FeedService.WebSub.Hub";

    public static HttpClient Create(WebSubOptions websub, AggregationOptions aggregation, SiteOptions site)
    {
        var guard = new AddressGuard(aggregation.AllowPrivateNetworks);
        var timeout = TimeSpan.FromSeconds(websub.RequestTimeoutSeconds);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = guard.ConnectAsync,
            ConnectTimeout = timeout,
            // Through a proxy the guard would vet the proxy's address, not the subscriber's.
            UseProxy = false,
            UseCookies = false,
            // Connections are re-made, and so DNS re-resolved and re-vetted, every few minutes.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var client = new HttpClient(handler) { Timeout = timeout };
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", UserAgent(site));
        return client;
    }

    /// <summary>"FeedService/0.1.0 (+https://feeds.example.org) WebSub": who is calling, and where to find the operator.</summary>
    public static string UserAgent(SiteOptions site)
    {
        var version = typeof(HubHttp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        return $"FeedService/{version} (+{site.BaseUrl}) WebSub";
    }

    /// <summary>One line for a request that got no HTTP answer.</summary>
    public static string Describe(Exception e, Uri url, bool timedOut, int timeoutSeconds) =>
        NetworkFailures.Find<FetchRefusedException>(e) is { } refused ? refused.Message
        : timedOut || NetworkFailures.Find<TimeoutException>(e) is not null ? $"no response within {timeoutSeconds} s"
        : NetworkFailures.Describe(e, url);
}
