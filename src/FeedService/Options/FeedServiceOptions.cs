using System.ComponentModel.DataAnnotations;

namespace FeedService.Options;

/// <summary>FeedService:Site — what the public sees.</summary>
public sealed class SiteOptions
{
    public const string Section = "FeedService:Site";

    /// <summary>Public base URL used in every feed and link. No trailing slash needed.</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "http://localhost:5000";

    [Required]
    public string Title { get; set; } = "FeedService";

    public string Description { get; set; } = "Posts and republished announcements, one feed per category.";

    /// <summary>Language of the content (RSS language, Atom xml:lang), a BCP 47 tag.</summary>
    [Required, RegularExpression("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    public string Language { get; set; } = "en";

    /// <summary>Author written on posts that name none (Atom requires one).</summary>
    [Required]
    public string DefaultAuthor { get; set; } = "FeedService";

    public Uri BaseUri => new(BaseUrl.TrimEnd('/') + "/", UriKind.Absolute);

    /// <summary>An absolute URL for a path on this site, e.g. "feeds/all.rss".</summary>
    public string Url(string relativePath) => new Uri(BaseUri, relativePath.TrimStart('/')).AbsoluteUri;
}

/// <summary>FeedService:Auth — who may write.</summary>
public sealed class AuthOptions
{
    public const string Section = "FeedService:Auth";

    /// <summary>Accepted bearer keys. When empty, a key is generated on first start and stored beside the database.</summary>
    public List<string> ApiKeys { get; set; } = [];
}

/// <summary>FeedService:Storage — where posts live.</summary>
public sealed class StorageOptions
{
    public const string Section = "FeedService:Storage";

    [Required]
    public string DatabasePath { get; set; } = "data/feedservice.db";

    /// <summary>How long a write waits for a lock held by another connection.</summary>
    [Range(0, 600_000)]
    public int BusyTimeoutMs { get; set; } = 5000;

    /// <summary>
    /// SQLite's synchronous setting. <see cref="SynchronousMode.Full"/> (the default) syncs the write-ahead log at every
    /// commit, so a post acknowledged with 201 survives a power cut. <see cref="SynchronousMode.Normal"/> syncs it only at
    /// checkpoints: writes cost less, and a power cut loses the posts acknowledged since the last one.
    /// </summary>
    [EnumDataType(typeof(SynchronousMode))]
    public SynchronousMode Synchronous { get; set; } = SynchronousMode.Full;
}

public enum SynchronousMode
{
    Full,
    Normal,
}

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
}

/// <summary>FeedService:Demo — first-start demo content.</summary>
public sealed class DemoOptions
{
    public const string Section = "FeedService:Demo";

    public bool Seed { get; set; }
}
