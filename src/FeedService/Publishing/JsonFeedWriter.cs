using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FeedService.Publishing;

/// <summary>
/// Renders a <see cref="FeedDocument"/> as JSON Feed 1.1 (https://jsonfeed.org/version/1.1): the same ids, dates,
/// authors, tags, summary and content as the RSS and Atom documents. Property order is fixed, so the same data
/// always gives the same bytes.
/// </summary>
public static partial class JsonFeedWriter
{
    public const string Version = "https://jsonfeed.org/version/1.1";

    // The document is only ever served as application/feed+json (never inlined into HTML), so the HTML-sensitive
    // characters of content_html need no \u escapes: without them it renders faster and is ~10% smaller to compress.
    // Quotes, backslashes and control characters are still escaped, as JSON requires.
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(FeedDocument doc) => Render(doc).ToArray();

    /// <summary>The document in the calling thread's <see cref="RenderBuffer"/>: valid until the thread renders again.</summary>
    internal static ReadOnlyMemory<byte> Render(FeedDocument doc)
    {
        var hubs = doc.Hubs;
        var stream = RenderBuffer.Take();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            w.WriteStartObject();
            w.WriteString("version", Version);
            w.WriteString("title", doc.Title);
            w.WriteString("home_page_url", doc.HomeUrl);
            w.WriteString("feed_url", doc.SelfUrl("json"));
            w.WriteString("description", doc.Description);
            w.WriteString("language", doc.Language);
            WriteAuthors(w, [doc.Author]);
            // JSON Feed pages towards older items with next_url: from the current document to the newest archive
            // page, and from each archive page to the one before it.
            if (doc.Archive?.PrevArchive is { } older) w.WriteString("next_url", doc.PageUrl(older, "json"));
            if (hubs is { Count: > 0 })
            {
                w.WriteStartArray("hubs");
                foreach (var hub in hubs)
                {
                    w.WriteStartObject();
                    w.WriteString("type", "WebSub");
                    w.WriteString("url", hub);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteStartArray("items");
            foreach (var entry in doc.Entries) WriteItem(w, entry);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return RenderBuffer.Contents(stream);
    }

    private static void WriteItem(Utf8JsonWriter w, FeedEntry entry)
    {
        w.WriteStartObject();
        w.WriteString("id", entry.Id);
        w.WriteString("url", entry.Link);
        w.WriteString("title", entry.Title);
        w.WriteString("content_html", entry.ContentHtml);
        // JSON Feed's summary is plain text, where RSS and Atom carry the excerpt as HTML.
        var summary = PlainText(entry.Summary);
        if (summary.Length > 0) w.WriteString("summary", summary);
        w.WriteString("date_published", Rfc3339(entry.Published));
        w.WriteString("date_modified", Rfc3339(entry.Updated));
        WriteAuthors(w, entry.Authors);
        w.WriteStartArray("tags");
        foreach (var category in entry.Categories) w.WriteStringValue(category.Label);
        w.WriteEndArray();
        if (entry.Source is { } source)
        {
            // Provenance, as RSS <source> and atom:source carry it; "_" marks a JSON Feed extension.
            w.WriteStartObject("_source");
            w.WriteString("feed_url", source.FeedUrl);
            w.WriteString("title", source.Title);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteAuthors(Utf8JsonWriter w, IEnumerable<string> names)
    {
        w.WriteStartArray("authors");
        foreach (var name in names)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    private static string PlainText(string html) =>
        string.Join(' ', WebUtility.HtmlDecode(Tag().Replace(html, " ")).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
