namespace FeedService.Posts;

public static class PostStatus
{
    public const string Published = "published";
    public const string Draft = "draft";
}

/// <summary>A stored post. <see cref="Guid"/> is its permanent feed id; <see cref="Link"/> is null when the post's own page is its link.</summary>
public sealed class Post
{
    public long Id { get; init; }
#pragma warning disable CA1720 // "guid" is the RSS element this property is written as
    public string Guid { get; init; } = "";
#pragma warning restore CA1720
    public string Title { get; init; } = "";
    public string Summary { get; init; } = "";
    public string Content { get; init; } = "";
    public string? Author { get; init; }
    public string? Link { get; init; }
    public string Status { get; init; } = PostStatus.Published;
    public DateTimeOffset PublishedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public List<string> Categories { get; set; } = [];

    /// <summary>Set on aggregated posts: the source (null once removed), and its feed URL and title as they were.</summary>
    public long? SourceId { get; init; }
    public string? SourceUrl { get; init; }
    public string? SourceTitle { get; init; }

    public bool IsVisibleAt(DateTimeOffset now) => Status == PostStatus.Published && PublishedAt <= now;
}

/// <summary>What a writer supplies for a post, already validated.</summary>
public sealed record PostInput(
    string Title, string Summary, string Content, string? Author, string? Link,
    string Status, DateTimeOffset PublishedAt, IReadOnlyList<string> Categories);
