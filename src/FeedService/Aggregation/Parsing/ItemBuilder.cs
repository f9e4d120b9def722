namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Collects one item's fields while a reader walks it, and reports what could not be read prefixed with the item's number.
/// Shared by every format so that the same flaw reads the same way in RSS, Atom and JSON.
/// </summary>
internal sealed class ItemBuilder(int number, ProblemLog problems)
{
    private readonly List<string> authors = [];
    private readonly List<string> categories = [];
    private readonly List<ParsedEnclosure> enclosures = [];

    public int Number { get; } = number;
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Link { get; set; }
    public DateTimeOffset? Published { get; set; }
    public DateTimeOffset? Updated { get; set; }
    public string? Summary { get; set; }
    public string? Content { get; set; }

    public bool HasAuthors => authors.Count > 0;

    /// <summary>
    /// Reads each of <paramref name="items"/> on its own, numbered from 1: one that throws is reported and skipped, the
    /// others are kept, so one bad item never loses the feed.
    /// </summary>
    public static List<ParsedItem> ReadEach<T>(IReadOnlyList<T> items, ProblemLog problems, Func<T, ItemBuilder, ParsedItem> read)
    {
        var parsed = new List<ParsedItem>(items.Count);
        for (var k = 0; k < items.Count; k++)
        {
            try { parsed.Add(read(items[k], new ItemBuilder(k + 1, problems))); }
            catch (Exception e) when (e is not OutOfMemoryException) { problems.AddForItem(k + 1, $"skipped: {e.Message}"); }
        }
        return parsed;
    }

    public void Report(string problem) => problems.AddForItem(Number, problem);

    /// <summary>Null when absent; null and a problem when present but unreadable.</summary>
    public DateTimeOffset? Date(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (FeedDates.TryParse(raw, out var value)) return value;
        Report($"unparseable date {ProblemLog.Quote(raw)}");
        return null;
    }

    public string? Url(string? raw, Uri baseUri, string what) => FeedUrls.Resolve(raw, baseUri, Report, what);

    public void AddAuthor(string? name) => AddDistinct(authors, name);

    public void AddCategory(string? name) => AddDistinct(categories, name);

    public void AddEnclosure(string? url, Uri baseUri, string? type, string? length)
    {
        if (Url(url, baseUri, "enclosure URL") is not { } absolute) return;
        if (enclosures.Any(e => e.Url == absolute)) return;
        enclosures.Add(new ParsedEnclosure(absolute, ElementText.NullIfEmpty(type), Length(length)));
    }

    public ParsedItem Build(Uri baseUrl) => new(
        Id, Title, Link, Published, Updated, [.. authors], [.. categories], Summary, Content, [.. enclosures], baseUrl.AbsoluteUri);

    private long? Length(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (long.TryParse(raw.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes))
            return bytes > 0 ? bytes : null; // publishers write 0 when they do not know the size
        Report($"enclosure length {ProblemLog.Quote(raw)} is not a number");
        return null;
    }

    private static void AddDistinct(List<string> list, string? value)
    {
        var trimmed = ElementText.NullIfEmpty(value);
        if (trimmed is not null && !list.Contains(trimmed, StringComparer.Ordinal)) list.Add(trimmed);
    }
}
