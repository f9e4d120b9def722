
namespace FeedService.Aggregation;

/// <summary>When a source is polled next: as late as the source and the server ask, within the configured floor and ceiling.</summary>
public static class NextPoll
{
    /// <summary>After a successful poll (200 or 304): the largest of the interval, ttl, max-age, Expires and Retry-After.</summary>
    public static TimeSpan AfterSuccess(TimeSpan interval, TimeSpan? ttl, TimeSpan? maxAge, DateTimeOffset? expires, TimeSpan? retryAfter, DateTimeOffset now, AggregationOptions options)
    {
        var delay = interval;
        foreach (var hint in new[] { ttl, maxAge, expires - now, retryAfter })
            if (hint is { } h && h > delay) delay = h;
        return Clamp(delay, options);
    }

    /// <summary>
    /// After a failure: the interval doubled for each failure in a row, ±20% jitter so sources that failed together
    /// do not retry together, and never sooner than Retry-After.
    /// </summary>
    public static TimeSpan AfterFailure(TimeSpan interval, int consecutiveFailures, TimeSpan? retryAfter, double jitter01, AggregationOptions options)
    {
        var exponent = Math.Clamp(consecutiveFailures - 1, 0, 20);
        var backoff = interval.TotalSeconds * Math.Pow(2, exponent) * (0.8 + (0.4 * jitter01));
        var delay = TimeSpan.FromSeconds(Math.Min(backoff, options.MaxPollInterval.TotalSeconds));
        if (retryAfter is { } r && r > delay) delay = r;
        return Clamp(delay, options);
    }

    public static TimeSpan IntervalOf(Source source, AggregationOptions options) =>
        source.PollIntervalSeconds is { } s ? TimeSpan.FromSeconds(s) : options.DefaultPollInterval;

    private static TimeSpan Clamp(TimeSpan delay, AggregationOptions options) =>
        delay < options.MinPollInterval ? options.MinPollInterval : delay > options.MaxPollInterval ? options.MaxPollInterval : delay;
}
