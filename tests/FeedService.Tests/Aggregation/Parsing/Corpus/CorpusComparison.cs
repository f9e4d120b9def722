using FeedService.Aggregation.Parsing;

namespace FeedService.Tests.Aggregation.Parsing.Corpus;

/// <summary>Describes the first difference between two readings, or returns null when they agree.</summary>
public static class CorpusComparison
{
    public static string? FirstDifference(IReadOnlyList<ExpectedItem> expected, ParseResult result, Uri documentUrl)
    {
        if (result.Feed is not { } feed) return $"not read: {result.Error}";
        if (feed.Items.Count != expected.Count) return $"{feed.Items.Count} items, gofeed {expected.Count}";
        for (var k = 0; k < expected.Count; k++)
        {
            var (want, got) = (expected[k], feed.Items[k]);
            if (Norm(want.Title) != Norm(got.Title)) return $"item {k + 1} title {Show(got.Title)}, gofeed {Show(want.Title)}";
            if (AbsoluteOrSelf(want.Link, documentUrl) != Norm(got.Link)) return $"item {k + 1} link {Show(got.Link)}, gofeed {Show(want.Link)}";
            if (Norm(want.Id) != Norm(got.Id)) return $"item {k + 1} id {Show(got.Id)}, gofeed {Show(want.Id)}";
        }
        return null;
    }

    public static string? FirstDifference(ParsedFeed a, ParsedFeed b)
    {
        string? Field(string name, object? x, object? y) => Equals(x, y) ? null : $"{name}: syndication {Show(x?.ToString())}, tree {Show(y?.ToString())}";
        var feedDifference = Field("format", a.Format, b.Format) ?? Field("title", a.Title, b.Title) ?? Field("link", a.Link, b.Link)
            ?? Field("description", a.Description, b.Description) ?? Field("ttl", a.Ttl, b.Ttl) ?? Field("hub", a.HubUrl, b.HubUrl)
            ?? Field("self", a.SelfUrl, b.SelfUrl) ?? Field("item count", a.Items.Count, b.Items.Count)
            ?? Field("problems", string.Join(" | ", a.Problems), string.Join(" | ", b.Problems));
        if (feedDifference is not null) return feedDifference;
        for (var k = 0; k < a.Items.Count; k++)
        {
            var (x, y) = (a.Items[k], b.Items[k]);
            var difference = Field("id", x.Id, y.Id) ?? Field("title", x.Title, y.Title) ?? Field("link", x.Link, y.Link)
                ?? Field("published", x.Published, y.Published) ?? Field("updated", x.Updated, y.Updated)
                ?? Field("authors", string.Join(" | ", x.Authors), string.Join(" | ", y.Authors))
                ?? Field("categories", string.Join(" | ", x.Categories), string.Join(" | ", y.Categories))
                ?? Field("summary", x.Summary, y.Summary) ?? Field("content", x.Content, y.Content)
                ?? Field("enclosures", string.Join(" | ", x.Enclosures), string.Join(" | ", y.Enclosures))
                ?? Field("base", x.BaseUrl, y.BaseUrl);
            if (difference is not null) return $"item {k + 1} {difference}";
        }
        return null;
    }

    private static string? Norm(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>gofeed leaves relative links as written; we resolve them against the document URL, so compare resolved.</summary>
    private static string? AbsoluteOrSelf(string? link, Uri documentUrl) =>
        Norm(link) is not { } text ? null
        : Uri.TryCreate(documentUrl, text, out var absolute) ? absolute.AbsoluteUri
        : text;

    private static string Show(string? value) => value is null ? "(none)" : $"'{(value.Length > 120 ? value[..117] + "..." : value)}'";
}
