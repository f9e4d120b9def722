namespace FeedService.Aggregation;

/// <summary>A feed of another site that is polled into categories, with the state of its last poll.</summary>
public sealed class Source
{
    public long Id { get; init; }
    public string Url { get; init; } = "";
    public string RequestedUrl { get; init; } = "";
    public string? Title { get; init; }
    public string? SiteLink { get; init; }
    public string? Format { get; init; }
    public long? PollIntervalSeconds { get; init; }
    public bool Enabled { get; init; }
    public string? DisabledReason { get; init; }
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    public DateTimeOffset? LastFetchedAt { get; init; }
    public int? LastStatus { get; init; }
    public string? LastOutcome { get; init; }
    public string? LastError { get; init; }
    public int ItemsSeen { get; init; }
    public int ItemsAdded { get; init; }
    public int ItemsUpdated { get; init; }
    public int ConsecutiveFailures { get; init; }
    public DateTimeOffset NextPollAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public List<string> Categories { get; set; } = [];
}

/// <summary>What one poll changed on a source's record.</summary>
public sealed record PollRecord(
    DateTimeOffset FetchedAt, int? Status, string Outcome, string? Error,
    string? Url, string? Title, string? SiteLink, string? Format, string? ETag, string? LastModified,
    bool ValidatorsChanged, int ItemsSeen, int ItemsAdded, int ItemsUpdated, bool Succeeded,
    DateTimeOffset NextPollAt, string? DisabledReason);
