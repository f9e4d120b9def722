using System.Security.Cryptography;
using System.Text;
using FeedService.Aggregation.Parsing;
using FeedService.Content;

namespace FeedService.Aggregation;

/// <summary>Turns a parsed entry into what is stored: identity, sanitized HTML with absolute URLs, dates that are never in the future.</summary>
public sealed class EntryNormalizer(HtmlContent html)
{
    private const int MaxTitleLength = 500;

    public IncomingEntry Normalize(ParsedItem item, DateTimeOffset now) => Normalize(item, KeyOf(item), HashOf(item), now);

    /// <summary>As <see cref="Normalize(ParsedItem, DateTimeOffset)"/>, with the identity and hash already computed.</summary>
    public IncomingEntry Normalize(ParsedItem item, string key, string hash, DateTimeOffset now)
    {
        var content = html.Prepare(item.Content ?? item.Summary, item.BaseUrl);
        var summary = item.Summary is null || item.Summary == item.Content ? "" : html.Prepare(item.Summary, item.BaseUrl);
        var link = item.Link is not null && Uri.TryCreate(item.Link, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u.AbsoluteUri : null;
        var title = XmlText.Clean(item.Title?.Trim());
        if (title.Length == 0) title = Untitled(content);
        if (title.Length > MaxTitleLength) title = title[..MaxTitleLength];
        var authors = item.Authors.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => XmlText.Clean(a.Trim())).Distinct().ToList();

        // An entry that claims a future date is shown as of now: it must not sit hidden like a scheduled post.
        var published = Earlier(item.Published ?? item.Updated ?? now, now);
        DateTimeOffset? updated = item.Updated is { } up ? Earlier(up, now) : null;
        return new IncomingEntry(key, hash, title, summary, content,
            authors.Count == 0 ? null : string.Join(", ", authors), link, published, updated);
    }

    /// <summary>Identity upstream: the entry's id, else its link, else a hash of its title and content.</summary>
    public static string KeyOf(ParsedItem item) =>
        !string.IsNullOrWhiteSpace(item.Id) ? "id:" + item.Id.Trim()
        : !string.IsNullOrWhiteSpace(item.Link) ? "link:" + item.Link.Trim()
        : "hash:" + Sha256(item.Title, item.Content ?? item.Summary);

    /// <summary>Changes whenever the entry as published upstream changes (its text, link, authors or dates).</summary>
    public static string HashOf(ParsedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Sha256(item.Title, item.Link, item.Summary, item.Content, string.Join('\u001f', item.Authors), string.Join('\u001f', item.Categories),
            item.Published?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            item.Updated?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// SHA-256 of the parts' UTF-8 joined by U+001E, hashed part by part: the same digest as hashing the joined string
    /// (the separator is one byte and never splits a character), without building that string or its bytes.
    /// </summary>
    private static string Sha256(params string?[] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> separator = [0x1e];
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            for (var i = 0; i < parts.Length; i++)
            {
                if (i > 0) hash.AppendData(separator);
                var part = (parts[i] ?? "").AsSpan();
                if (Encoding.UTF8.GetMaxByteCount(part.Length) > buffer.Length)
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                    buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(part.Length));
                }
                hash.AppendData(buffer, 0, Encoding.UTF8.GetBytes(part, buffer));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest);
    }

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static string Untitled(string contentHtml)
    {
        var text = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(contentHtml, "<[^>]*>", " "));
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length == 0) return "(untitled)";
        return text.Length <= 80 ? text : text[..80].TrimEnd() + "…";
    }
}
