namespace FeedService.Publishing;

/// <summary>One feed, independent of format: every writer renders exactly this, and every id and date in it comes from data.</summary>
public sealed record FeedDocument(
    string Slug,
    string Id,
    string Title,
    string Description,
    string Language,
    string HomeUrl,
    string FeedsBaseUrl,
    DateTimeOffset Updated,
    string Author,
    string Generator,
    IReadOnlyList<FeedEntry> Entries,
    ArchivePosition? Archive = null,
    IReadOnlyList<string>? Hubs = null)
{
    /// <summary>The current (subscription) document of this feed.</summary>
    public string CurrentUrl(string extension) => $"{FeedsBaseUrl}{Slug}.{extension}";

    /// <summary>An RFC 5005 archive document of this feed; page 1 holds the oldest items.</summary>
    public string PageUrl(int page, string extension) => $"{FeedsBaseUrl}{ArchivePaths.Of(Slug, page, extension)}";

    public string SelfUrl(string extension) => Archive?.Page is { } page ? PageUrl(page, extension) : CurrentUrl(extension);

    public bool IsArchive => Archive?.Page is not null;
}

/// <summary>
/// Where a document sits in the feed's RFC 5005 archive chain. For the current document Page is null and
/// PrevArchive is the newest archive page (if any); for archive page k, PrevArchive is k-1 and NextArchive k+1.
/// </summary>
public sealed record ArchivePosition(int? Page, int? PrevArchive, int? NextArchive);

public static class ArchivePaths
{
    /// <summary>Archive documents live beside the current ones: feeds/archive/{slug}/{page}.{ext}.</summary>
    public static string Of(string slug, int page, string extension) =>
        $"archive/{slug}/{page.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{extension}";
}

public sealed record FeedEntry(
    string Id,
    string Title,
    string Link,
    string Summary,
    string ContentHtml,
    IReadOnlyList<string> Authors,
    IReadOnlyList<FeedCategory> Categories,
    DateTimeOffset Published,
    DateTimeOffset Updated,
    FeedSource? Source = null);

/// <summary>Where an aggregated item came from: the source's feed URL and title.</summary>
public sealed record FeedSource(string FeedUrl, string Title);

/// <summary>A category as an item carries it: the slug is the machine term, the name the label people read.</summary>
public sealed record FeedCategory(string Term, string Label);
