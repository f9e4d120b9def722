namespace FeedService.Aggregation.Fetching;

/// <summary>What a fetch produced. Remote failures are results, never exceptions.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="StatusCode">Status of the last response, when there was one.</param>
/// <param name="Body">The decompressed body, only when <paramref name="Outcome"/> is <see cref="FetchOutcome.Ok"/>.</param>
/// <param name="ContentType">Content-Type as received.</param>
/// <param name="ETag">ETag as received (raw header text). On a 304 it may be absent: keep the stored one then.</param>
/// <param name="LastModified">Last-Modified as received (raw header text). On a 304 it may be absent: keep the stored one then.</param>
/// <param name="FinalUrl">Where the body came from after redirects (on failure, the last URL tried).</param>
/// <param name="PermanentUrl">
/// The URL to store instead of the requested one: set only when every hop from the requested URL was a 301 or 308
/// and the new URL answered Ok or NotModified (a move is only recorded once the new place has been seen to work).
/// </param>
/// <param name="RetryAfter">Retry-After as a delay (the seconds form, or the HTTP-date minus now), never negative.</param>
/// <param name="MaxAge">Cache-Control max-age, or s-maxage when max-age is absent.</param>
/// <param name="Expires">Expires; an unparseable value (e.g. "0") reads as <see cref="DateTimeOffset.MinValue"/>, i.e. already expired.</param>
/// <param name="Error">A one-line reason when <paramref name="Outcome"/> is neither Ok nor NotModified.</param>
public sealed record FetchResult(
    FetchOutcome Outcome, int? StatusCode, byte[]? Body, string? ContentType,
    string? ETag, string? LastModified,
    Uri FinalUrl,
    Uri? PermanentUrl,
    TimeSpan? RetryAfter,
    TimeSpan? MaxAge,
    DateTimeOffset? Expires,
    string? Error)
{
    /// <summary>A failure that happened before any response (refused, network error, timeout…).</summary>
    public static FetchResult Failed(FetchOutcome outcome, Uri url, string error) =>
        new(outcome, null, null, null, null, null, url, null, null, null, null, error);
}
