using System.ComponentModel.DataAnnotations;

namespace FeedService.Storage;

/// <summary>FeedService:Storage — where posts live.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "FeedService:Storage";

    /// <summary>Sqlite (one machine, the embedded default) or Postgres (several instances on one database).</summary>
    [EnumDataType(typeof(StorageProvider))]
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>With Sqlite: the database file, relative to the content root.</summary>
    [Required]
    public string DatabasePath { get; set; } = "data/feedservice.db";

    /// <summary>With Postgres: an Npgsql connection string ("Host=…;Database=…;Username=…;Password=…").</summary>
    public string? ConnectionString { get; set; }

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

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("FeedService:Storage:ConnectionString is required when FeedService:Storage:Provider is Postgres.",
                [nameof(ConnectionString)]);
        }
    }
}

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

public enum SynchronousMode
{
    Full,
    Normal,
}
