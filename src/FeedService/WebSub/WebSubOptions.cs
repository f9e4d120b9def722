using System.ComponentModel.DataAnnotations;

namespace FeedService.WebSub;

/// <summary>FeedService:WebSub — push for feeds we publish (hubs) and for sources we aggregate (subscriptions).</summary>
public sealed class WebSubOptions
{
    public const string Section = "FeedService:WebSub";

    /// <summary>External hubs to advertise and ping on every feed change. When empty, the built-in hub is advertised.</summary>
    public List<string> Hubs { get; set; } = [];

    /// <summary>Run the built-in hub at POST /websub (advertised when no external hub is configured).</summary>
    public bool BuiltInHub { get; set; } = true;

    /// <summary>Lease granted when a subscriber asks for none.</summary>
    [Range(60, 31_536_000)]
    public int DefaultLeaseSeconds { get; set; } = 864_000;

    /// <summary>Longest lease granted; longer requests are capped to this.</summary>
    [Range(60, 31_536_000)]
    public int MaxLeaseSeconds { get; set; } = 2_592_000;

    /// <summary>Deliveries in flight at once for one feed change (other feeds' deliveries run beside them).</summary>
    [Range(1, 1024)]
    public int DeliveryConcurrency { get; set; } = 32;

    /// <summary>Deliveries in flight at once across all feeds.</summary>
    [Range(1, 4096)]
    public int MaxConcurrentDeliveries { get; set; } = 128;

    /// <summary>Attempts per delivery (the first and its retries, with exponential back-off).</summary>
    [Range(1, 50)]
    public int MaxDeliveryAttempts { get; set; } = 6;

    /// <summary>Delay before the first retry; doubled for each further one.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one verification or delivery request.</summary>
    [Range(1, 300)]
    public int RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>Subscriber side: ask hubs for this lease, and renew this long before it ends.</summary>
    public TimeSpan SubscriptionLease { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan RenewBefore { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Subscriber side: while a push subscription is live, the source is still polled this often, as a safety net.</summary>
    public TimeSpan PushSafetyPollInterval { get; set; } = TimeSpan.FromHours(24);
}
