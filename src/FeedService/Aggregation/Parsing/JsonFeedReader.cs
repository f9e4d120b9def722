using System.Text.Json;
using FeedService.Content;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Reads JSON Feed 1.0 and 1.1 (https://jsonfeed.org). Fields of the wrong JSON type are ignored, items that are not
/// objects are skipped, and a truncated document keeps the items that were complete (see <see cref="JsonRecovery"/>).
/// </summary>
internal static class JsonFeedReader
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    public static ParseResult Read(string json, Uri documentUrl, ProblemLog problems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            if (JsonRecovery.TryRecover(json, Options) is not { } recovered) return ParseResult.Failed($"invalid JSON: {e.Message}");
            problems.Add($"JSON is not well-formed ({FirstLine(e.Message)}); kept what was complete");
            document = recovered;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("items", out var items) && !root.TryGetProperty("version", out _))
                return ParseResult.Failed("not a feed: JSON without version or items");
            return new ParseResult(ReadFeed(root, documentUrl, problems), null);
        }
    }

    private static ParsedFeed ReadFeed(JsonElement root, Uri documentUrl, ProblemLog problems)
    {
        var version = String(root, "version") ?? "";
        var format = version.EndsWith("1.1", StringComparison.Ordinal) || version.EndsWith("1.1/", StringComparison.Ordinal) ? FeedFormats.Json11 : FeedFormats.Json10;
        var feedUrl = FeedUrls.Resolve(String(root, "feed_url"), documentUrl, problems.Add, "feed_url");
        var items = new List<ParsedItem>();
        if (root.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            var number = 0;
            foreach (var item in array.EnumerateArray())
            {
                number++;
                if (item.ValueKind != JsonValueKind.Object) { problems.AddForItem(number, "skipped: not a JSON object"); continue; }
                try { items.Add(ReadItem(item, root, new ItemBuilder(number, problems), documentUrl)); }
                catch (Exception e) when (e is not OutOfMemoryException) { problems.AddForItem(number, $"skipped: {e.Message}"); }
            }
        }
        return new ParsedFeed(
            format,
            String(root, "title"),
            FeedUrls.Resolve(String(root, "home_page_url"), documentUrl, problems.Add, "home_page_url"),
            String(root, "description"),
            null,
            Hub(root, documentUrl, problems),
            feedUrl,
            items,
            problems.ToList());
    }

    private static ParsedItem ReadItem(JsonElement item, JsonElement feed, ItemBuilder b, Uri documentUrl)
    {
        b.Id = item.TryGetProperty("id", out var id) && id.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? ElementText.NullIfEmpty(id.ValueKind == JsonValueKind.Number ? id.GetRawText() : id.GetString())
            : null;
        b.Title = String(item, "title");
        b.Link = b.Url(String(item, "url"), documentUrl, "url") ?? b.Url(String(item, "external_url"), documentUrl, "external_url");
        b.Published = b.Date(String(item, "date_published"));
        b.Updated = b.Date(String(item, "date_modified"));
        foreach (var author in Authors(item)) b.AddAuthor(author);
        if (!b.HasAuthors) foreach (var author in Authors(feed)) b.AddAuthor(author); // the feed's authors apply to items without their own
        if (item.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array)
            foreach (var tag in tags.EnumerateArray()) if (tag.ValueKind == JsonValueKind.String) b.AddCategory(tag.GetString());
        b.Summary = String(item, "summary");
        b.Content = String(item, "content_html") ?? (String(item, "content_text") is { } text ? HtmlEscape.Text(text) : null);
        if (item.TryGetProperty("attachments", out var attachments) && attachments.ValueKind == JsonValueKind.Array)
        {
            foreach (var attachment in attachments.EnumerateArray())
            {
                if (attachment.ValueKind != JsonValueKind.Object) continue;
                b.AddEnclosure(String(attachment, "url"), documentUrl, String(attachment, "mime_type"), Raw(attachment, "size_in_bytes"));
            }
        }
        return b.Build(b.Link is { } link ? new Uri(link) : documentUrl);
    }

    /// <summary>1.1 "authors" array, else 1.0 "author" object.</summary>
    private static List<string?> Authors(JsonElement item)
    {
        if (item.TryGetProperty("authors", out var authors) && authors.ValueKind == JsonValueKind.Array)
            return authors.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object).Select(a => String(a, "name")).ToList();
        if (item.TryGetProperty("author", out var author) && author.ValueKind == JsonValueKind.Object) return [String(author, "name")];
        return [];
    }

    private static string? Hub(JsonElement root, Uri documentUrl, ProblemLog problems)
    {
        if (!root.TryGetProperty("hubs", out var hubs) || hubs.ValueKind != JsonValueKind.Array) return null;
        return hubs.EnumerateArray()
            .Where(h => h.ValueKind == JsonValueKind.Object)
            .Select(h => FeedUrls.Resolve(String(h, "url"), documentUrl, problems.Add, "hub url"))
            .FirstOrDefault(u => u is not null);
    }

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? ElementText.NullIfEmpty(value.GetString()) : null;

    /// <summary>A number or numeric string as text, for lengths that feeds write either way.</summary>
    private static string? Raw(JsonElement parent, string name) =>
        !parent.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number ? value.GetRawText()
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : null;

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
