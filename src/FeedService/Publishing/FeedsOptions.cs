using System.ComponentModel.DataAnnotations;

namespace FeedService.Publishing;

/// <summary>FeedService:Feeds — what is generated and how it is served.</summary>
public sealed class FeedsOptions
{
    public const string Section = "FeedService:Feeds";

    [Required]
    public string OutputPath { get; set; } = "feeds";

    [Range(1, 1000)]
    public int ItemsPerFeed { get; set; } = 50;

    /// <summary>Quartz cron expression for the periodic regeneration (seconds first).</summary>
    [Required]
    public string RegenerateCron { get; set; } = "0 * * * * ?";

    /// <summary>Cache-Control max-age for feed responses, in seconds.</summary>
    [Range(0, 31_536_000)]
    public int MaxAgeSeconds { get; set; } = 300;

    /// <summary>Cache-Control max-age for archive pages older than the newest, whose items no longer change.</summary>
    [Range(0, 31_536_000)]
    public int ArchiveMaxAgeSeconds { get; set; } = 604_800;

    /// <summary>
    /// Memory for rendered archive pages (each kept with its gzip and brotli encodings), in MB. Archive pages are rendered
    /// when asked for; a page that no longer fits is rendered again on its next request.
    /// </summary>
    [Range(1, 4096)]
    public int ArchiveCacheMegabytes { get; set; } = 32;

    /// <summary>
    /// With PostgreSQL: how often a node checks the database for documents other nodes published, as a safety net
    /// behind the change signal that normally tells it within milliseconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SharedRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}
