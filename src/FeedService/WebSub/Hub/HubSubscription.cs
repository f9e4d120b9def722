namespace FeedService.WebSub.Hub;

public static class HubStates
{
    /// <summary>Asked for, verification not yet answered. Never receives content.</summary>
    public const string Pending = "pending";

    /// <summary>Verified; receives content until expires_at.</summary>
    public const string Active = "active";
}

/// <summary>A subscriber's callback on one of our feed documents, as stored.</summary>
public sealed class HubSubscription
{
    public long Id { get; init; }
    public string Topic { get; init; } = "";
    public string Callback { get; init; } = "";
    public string? Secret { get; init; }
    public int LeaseSeconds { get; init; }
    public string State { get; init; } = "";
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? VerifiedAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What a delivery needs of a live subscription.</summary>
public sealed class ActiveSubscriber
{
    public string Callback { get; init; } = "";
    public string? Secret { get; init; }
}

/// <summary>What every row of the hub's history has, delivery or verification (<see cref="HubLogStore"/>).</summary>
public abstract class HubLogEntry
{
    public long Id { get; init; }
    public string Topic { get; init; } = "";
    public string Callback { get; init; } = "";
    public string Outcome { get; init; } = "";
    public int? StatusCode { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset At { get; init; }
}

public static class DeliveryOutcomes
{
    public const string Delivered = "delivered";

    /// <summary>Failed; another attempt follows.</summary>
    public const string Failed = "failed";

    /// <summary>The last allowed attempt failed.</summary>
    public const string GaveUp = "gave-up";

    /// <summary>The subscriber answered 410 Gone: the subscription was removed (WebSub §7).</summary>
    public const string Gone = "gone";

    /// <summary>A retry was dropped because a newer document of the topic is being delivered instead.</summary>
    public const string Superseded = "superseded";
}

/// <summary>One delivery attempt, as recorded.</summary>
public sealed class DeliveryEntry : HubLogEntry
{
    public int Attempt { get; init; }
    public double DurationMs { get; init; }
}

public static class VerificationOutcomes
{
    public const string Verified = "verified";

    /// <summary>The subscriber answered, but not with a 2xx echoing the challenge.</summary>
    public const string Refused = "refused";

    /// <summary>No answer: timeout, refused address, network error.</summary>
    public const string Failed = "failed";
}

/// <summary>One verification of intent, as recorded.</summary>
public sealed class VerificationEntry : HubLogEntry
{
    public string Mode { get; init; } = "";
    public int? LeaseSeconds { get; init; }
}
