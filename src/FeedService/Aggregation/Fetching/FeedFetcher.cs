using System.Net.Sockets;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.Aggregation.Fetching;

/// <summary>
/// Fetches other sites' feeds politely: conditional GET, an honest User-Agent, one request at a time per host, a
/// time limit over the whole fetch, a size cap, manual redirects and an SSRF guard on every connection. Remote
/// failures come back as a <see cref="FetchResult"/>; only the caller's cancellation throws.
/// </summary>
public sealed class FeedFetcher(
    [FromKeyedServices(FeedFetcher.HttpClientKey)] HttpClient http,
    IOptions<AggregationOptions> options, IOptions<SiteOptions> site, TimeProvider time, ILogger<FeedFetcher> logger,
    IHostTurns? hostTurns = null)
{
    /// <summary>The DI key of the HttpClient registered for the fetcher by <see cref="FetchingSetup.AddFeedFetching"/>.</summary>
    public const string HttpClientKey = "FeedService.Aggregation.Fetching";

    private readonly PoliteRequestHeaders _headers = PoliteRequestHeaders.For(site.Value);
    private readonly HostGates _gates = new();
    private readonly IHostTurns _hostTurns = hostTurns ?? LocalHostTurns.Instance;

    /// <summary>The User-Agent sent with every request.</summary>
    public string UserAgent => _headers.UserAgent;

    public async Task<FetchResult> FetchAsync(FetchRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await FollowRedirectsAsync(request, ct);
        logger.LogDebug("Fetched {Url}: {Outcome} {Status} {Error}", request.Url, result.Outcome, result.StatusCode, result.Error);
        return result;
    }

    private async Task<FetchResult> FollowRedirectsAsync(FetchRequest request, CancellationToken ct)
    {
        var budget = new TimeBudget(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var url = request.Url;
        var onlyPermanentHops = true;
        int? lastRedirectStatus = null;
        // Bounded: every pass but the last follows a redirect, and more than MaxRedirects of them ends the loop.
        for (var redirects = 0; ; redirects++)
        {
            if (RefusedScheme(url) is { } refusal) return FetchResult.Failed(FetchOutcome.Refused, url, refusal);
            if (!visited.Add(url.AbsoluteUri))
                return FetchResult.Failed(FetchOutcome.TooManyRedirects, url, $"redirect loop: {url} was already visited") with { StatusCode = lastRedirectStatus };
            if (redirects > options.Value.MaxRedirects)
                return FetchResult.Failed(FetchOutcome.TooManyRedirects, url, $"more than {options.Value.MaxRedirects} redirects") with { StatusCode = lastRedirectStatus };

            var hop = await ExchangeAsync(request, url, budget, ct);
            if (hop.RedirectTo is not { } next)
            {
                var moved = redirects > 0 && onlyPermanentHops && hop.Result.Outcome is FetchOutcome.Ok or FetchOutcome.NotModified;
                return hop.Result with { PermanentUrl = moved ? url : null };
            }
            onlyPermanentHops &= hop.Result.StatusCode is 301 or 308;
            lastRedirectStatus = hop.Result.StatusCode;
            url = next;
        }
    }

    private static string? RefusedScheme(Uri url) =>
        !url.IsAbsoluteUri ? $"refused: {url} is not an absolute URL"
        : url.Scheme is "http" or "https" ? null
        : $"refused: scheme {url.Scheme}: is not http or https";

    /// <summary>One request/response on the host's turn, drawing on the fetch's time budget.</summary>
    private async Task<Hop> ExchangeAsync(FetchRequest request, Uri url, TimeBudget budget, CancellationToken ct)
    {
        using var turn = await _gates.EnterAsync(url, ct);
        await using var clusterTurn = await _hostTurns.EnterAsync(url.IdnHost, ct);
        if (budget.Remaining <= TimeSpan.Zero) return Hop.Final(TimedOut(url, budget, null));
        using var spending = budget.Start(ct);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, url);
            // Validators go on every hop: they were stored from the final URL of an earlier fetch, which is where a
            // temporary redirect will lead again.
            _headers.ApplyTo(message, request);
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, spending.Token);
            return await ReadAsync(response, url, spending.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException or InvalidDataException or SocketException)
        {
            // The caller giving up is theirs to see as an exception; everything else the remote side did is a result.
            ct.ThrowIfCancellationRequested();
            return Hop.Final(Failure(e, url, budget, spending.Token));
        }
    }

    private static FetchResult Failure(Exception e, Uri url, TimeBudget budget, CancellationToken spendingToken)
    {
        if (NetworkFailures.Find<FetchRefusedException>(e) is { } refused) return FetchResult.Failed(FetchOutcome.Refused, url, refused.Message);
        // Our budget ran out, or SocketsHttpHandler's ConnectTimeout did (an OCE around a TimeoutException).
        if (spendingToken.IsCancellationRequested || e is OperationCanceledException) return TimedOut(url, budget, e);
        return FetchResult.Failed(FetchOutcome.NetworkError, url, NetworkFailures.Describe(e, url));
    }

    private static FetchResult TimedOut(Uri url, TimeBudget budget, Exception? e) =>
        FetchResult.Failed(FetchOutcome.Timeout, url,
            e is not null && NetworkFailures.Find<TimeoutException>(e) is not null
                ? "timed out connecting"
                : $"no complete response within {budget.Total.TotalSeconds:0.###} s");

    private async Task<Hop> ReadAsync(HttpResponseMessage response, Uri url, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        switch (status)
        {
            case 301 or 302 or 303 or 307 or 308:
                // Location may be relative (RFC 9110 §10.2.2): resolved against the URL that answered, not the one first requested.
                var location = ResponseCacheHints.Raw(response.Headers, "Location");
                return location is not null && Uri.TryCreate(url, location.Trim(), out var next)
                    ? Hop.Redirect(Describe(FetchOutcome.HttpError, response, url, null, null), next)
                    : Hop.Final(Describe(FetchOutcome.HttpError, response, url, null, $"HTTP {status} without a usable Location header"));
            case 200 or 203:
                var body = await BoundedBody.ReadAsync(response.Content, options.Value.MaxBodyBytes, ct);
                return Hop.Final(body is null
                    ? Describe(FetchOutcome.TooLarge, response, url, null, $"body larger than {options.Value.MaxBodyBytes} bytes")
                    : Describe(FetchOutcome.Ok, response, url, body, null));
            case 304:
                return Hop.Final(Describe(FetchOutcome.NotModified, response, url, null, null));
            case 410:
                return Hop.Final(Describe(FetchOutcome.Gone, response, url, null, $"HTTP 410 {response.ReasonPhrase}".TrimEnd()));
            default:
                return Hop.Final(Describe(FetchOutcome.HttpError, response, url, null, $"HTTP {status} {response.ReasonPhrase}".TrimEnd()));
        }
    }

    private FetchResult Describe(FetchOutcome outcome, HttpResponseMessage response, Uri url, byte[]? body, string? error) =>
        new(outcome, (int)response.StatusCode, body,
            ResponseCacheHints.Raw(response.Content.Headers, "Content-Type"),
            ResponseCacheHints.Raw(response.Headers, "ETag"),
            ResponseCacheHints.Raw(response.Content.Headers, "Last-Modified"),
            url, null,
            ResponseCacheHints.RetryAfter(response, time.GetUtcNow()),
            ResponseCacheHints.MaxAge(response),
            ResponseCacheHints.Expires(response),
            error);

    /// <summary>A hop ends the fetch (Result) or points to the next URL (RedirectTo, with Result holding the redirect response).</summary>
    private sealed record Hop(FetchResult Result, Uri? RedirectTo)
    {
        public static Hop Final(FetchResult result) => new(result, null);

        public static Hop Redirect(FetchResult response, Uri next) => new(response, next);
    }
}
