namespace FeedService.WebSub.Subscriber;

public static class PushState
{
    public const string Requested = "requested";
    public const string Active = "active";
    public const string Denied = "denied";
    public const string Expired = "expired";
    public const string Failed = "failed";
}

/// <summary>A source's push subscription at a hub, as we asked for it and as the hub confirmed it.</summary>
public sealed class PushSubscription
{
    public long SourceId { get; init; }
    public string HubUrl { get; init; } = "";
    public string TopicUrl { get; init; } = "";
    public string CallbackToken { get; init; } = "";
    public string Secret { get; init; } = "";
    public string State { get; init; } = "";
    public long? LeaseSeconds { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset RequestedAt { get; init; }
    public DateTimeOffset? VerifiedAt { get; init; }
    public DateTimeOffset? LastPushAt { get; init; }
    public string? LastError { get; init; }

    public bool IsLiveAt(DateTimeOffset now) => State == PushState.Active && ExpiresAt > now;
}
