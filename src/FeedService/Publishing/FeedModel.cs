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
    IReadOnlyList<FeedEntry> Entries)
{
    public string SelfUrl(string extension) => $"{FeedsBaseUrl}{Slug}.{extension}";
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
