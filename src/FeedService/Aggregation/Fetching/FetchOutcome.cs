namespace FeedService.Aggregation.Fetching;

/// <summary>How a fetch ended. Only <see cref="Ok"/> carries a body.</summary>
public enum FetchOutcome
{
    /// <summary>200 (or 203): the body is the current representation.</summary>
    Ok,

    /// <summary>304: the stored validators still match; nothing to parse.</summary>
    NotModified,

    /// <summary>410: the source says it is gone for good.</summary>
    Gone,

    /// <summary>Any other status (429, 5xx, 4xx, a redirect without Location…); see StatusCode and RetryAfter.</summary>
    HttpError,

    /// <summary>No HTTP answer: connection refused or reset, DNS failure, TLS failure, truncated body.</summary>
    NetworkError,

    /// <summary>The whole-request limit (or the connect limit) ran out.</summary>
    Timeout,

    /// <summary>The body, once decompressed, is larger than MaxBodyBytes.</summary>
    TooLarge,

    /// <summary>Not attempted: a scheme other than http(s), or an address on a network we must not reach.</summary>
    Refused,

    /// <summary>More than MaxRedirects hops, or a hop back to a URL already visited.</summary>
    TooManyRedirects,
}
