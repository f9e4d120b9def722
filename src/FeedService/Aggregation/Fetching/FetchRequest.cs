namespace FeedService.Aggregation.Fetching;

/// <summary>
/// One conditional GET. <paramref name="ETag"/> and <paramref name="LastModified"/> are the validators exactly as a
/// previous <see cref="FetchResult"/> returned them; they are sent back byte for byte, because servers compare them as
/// opaque strings.
/// </summary>
public sealed record FetchRequest(Uri Url, string? ETag, string? LastModified);
