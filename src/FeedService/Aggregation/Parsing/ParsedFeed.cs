namespace FeedService.Aggregation.Parsing;

/// <summary>A media file attached to an item (RSS enclosure, Atom link rel="enclosure", JSON Feed attachment).</summary>
public sealed record ParsedEnclosure(string Url, string? Type, long? Length);

/// <summary>
/// One entry of a feed as read, whatever its format. Text is trimmed and entity-decoded; Summary and Content are raw,
/// unsanitized HTML. Link and enclosure URLs are absolute; BaseUrl is what relative links inside Summary/Content resolve against.
/// </summary>
public sealed record ParsedItem(
    string? Id, string? Title, string? Link, DateTimeOffset? Published, DateTimeOffset? Updated,
    IReadOnlyList<string> Authors, IReadOnlyList<string> Categories,
    string? Summary, string? Content,
    IReadOnlyList<ParsedEnclosure> Enclosures,
    string BaseUrl);

/// <summary>
/// A feed as read. <see cref="Problems"/> lists what could not be read (bad dates, URLs, skipped items...) without losing the rest.
/// </summary>
public sealed record ParsedFeed(
    string Format,
    string? Title, string? Link, string? Description,
    TimeSpan? Ttl,
    string? HubUrl, string? SelfUrl,
    IReadOnlyList<ParsedItem> Items,
    IReadOnlyList<string> Problems);

/// <summary>Either a feed (possibly with problems) or a one-line reason why the document is not a readable feed.</summary>
public sealed record ParseResult(ParsedFeed? Feed, string? Error)
{
    internal static ParseResult Failed(string error) => new(null, error);
}
