using System.ComponentModel.DataAnnotations;

namespace FeedService.Storage;

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
