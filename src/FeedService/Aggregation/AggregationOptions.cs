using System.ComponentModel.DataAnnotations;

namespace FeedService.Aggregation;

/// <summary>FeedService:Aggregation — how other sites' feeds are fetched and polled.</summary>
public sealed class AggregationOptions
{
    public const string Section = "FeedService:Aggregation";

    /// <summary>Allow sources (and WebSub callbacks) on loopback, private, link-local or multicast addresses. Off in production; tests and the demo turn it on.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Largest response body accepted, in bytes (after decompression).</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;

    [Range(1, 300)]
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>Whole-request limit: connect, headers and body together.</summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Poll interval of a source that names none.</summary>
    public TimeSpan DefaultPollInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Floor of the next-poll delay, whatever the source or its headers ask.</summary>
    public TimeSpan MinPollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Ceiling of the next-poll delay (also caps error back-off).</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>After this many failures in a row a source is disabled, with the reason recorded.</summary>
    [Range(1, 1000)]
    public int MaxConsecutiveFailures { get; set; } = 10;

    /// <summary>Sources fetched at the same time by one polling run (one at a time per host regardless).</summary>
    [Range(1, 256)]
    public int MaxParallelPolls { get; set; } = 8;

    /// <summary>Quartz cron of the polling job, which picks the sources that are due.</summary>
    [Required]
    public string PollCron { get; set; } = "0/30 * * * * ?";

    /// <summary>
    /// How long a worker's claim on a source it is polling lasts without renewal. A live worker renews its claims; a dead
    /// one's lapse after this and another worker polls those sources.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(60);
}
