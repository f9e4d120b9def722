using System.Net.Http.Headers;

namespace FeedService.Aggregation.Fetching;

/// <summary>Reads what a response says about itself: validators as raw text, and the hints that steer the next poll.</summary>
internal static class ResponseCacheHints
{
    /// <summary>The first value of a header exactly as the server sent it (no parsing, no re-formatting), or null.</summary>
    public static string? Raw(HttpHeaders headers, string name)
    {
        // NonValidated skips HttpClient's parse-and-reformat, so an odd ETag (unquoted, weak, with spaces) comes back
        // untouched and will match when we send it back.
        if (!headers.NonValidated.TryGetValues(name, out var values)) return null;
        foreach (var value in values) return value;
        return null;
    }

    /// <summary>Retry-After as a delay from now: the seconds form as is, the HTTP-date form minus now, never negative.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date > now ? date - now : TimeSpan.Zero;
        return null;
    }

    /// <summary>Cache-Control max-age, or s-maxage when max-age is absent (we are a single client, so max-age is ours).</summary>
    public static TimeSpan? MaxAge(HttpResponseMessage response) =>
        response.Headers.CacheControl is { } cacheControl ? cacheControl.MaxAge ?? cacheControl.SharedMaxAge : null;

    public static DateTimeOffset? Expires(HttpResponseMessage response) => response.Content.Headers.Expires;
}
