using System.ComponentModel.DataAnnotations;

namespace FeedService.Api;

/// <summary>
/// FeedService:RateLimits — how fast one client may call the write API (every POST, PUT and DELETE under /api).
/// A caller with a valid key is counted by its key, anyone else by its IP address, so guessing keys is limited too.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "FeedService:RateLimits";

    /// <summary>Off: no limit at all (a deployment behind a proxy that limits already).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sustained write requests per minute per key or IP address, replenished every second.</summary>
    [Range(1, 1_000_000)]
    public int WritesPerMinute { get; set; } = 600;

    /// <summary>Write requests one key or IP address may make at once before the per-minute rate applies.</summary>
    [Range(1, 1_000_000)]
    public int WriteBurst { get; set; } = 120;
}
