using System.Text;

namespace FeedService.Aggregation.Parsing;

/// <summary>Looks at the first bytes of a body to tell JSON, HTML and XML apart, whatever the Content-Type claims.</summary>
internal static class DocumentSniffer
{
    private static readonly string[] HtmlStarts = ["<!doctype html", "<html", "<head", "<body", "<meta", "<title", "<script", "<link", "<div", "<p>", "<p ", "<iframe", "<table", "<h1"];
    private static readonly string[] FeedStarts = ["<rss", "<feed", "<rdf", "<channel", "<!doctype rss", "<!doctype rdf"];

    public static bool StartsLikeJson(ReadOnlySpan<byte> body) => Head(body).StartsWith('{');

    public static bool StartsLikeHtml(ReadOnlySpan<byte> body) => IsHtmlStart(Head(body));

    /// <summary>Null when the start says nothing either way (so the Content-Type decides).</summary>
    public static bool? StartsLikeFeed(ReadOnlySpan<byte> body)
    {
        var head = Head(body);
        if (IsHtmlStart(head)) return false;
        if (head.StartsWith('{') || FeedStarts.Any(s => head.StartsWith(s, StringComparison.OrdinalIgnoreCase))) return true;
        return null;
    }

    private static bool IsHtmlStart(string head) => HtmlStarts.Any(s => head.StartsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>The first 512 characters after BOMs, whitespace, comments and the XML declaration, decoded loosely (UTF-16 included).</summary>
    private static string Head(ReadOnlySpan<byte> body)
    {
        var slice = body[..Math.Min(body.Length, 2048)];
        var text = slice switch
        {
            [0xFF, 0xFE, ..] => Encoding.Unicode.GetString(slice[2..]),
            [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode.GetString(slice[2..]),
            [0, _, ..] => Encoding.BigEndianUnicode.GetString(slice),
            [_, 0, ..] => Encoding.Unicode.GetString(slice),
            _ => Encoding.Latin1.GetString(slice),
        };
        var i = 0;
        while (true)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] is '\uFEFF' or '\u00EF' or '\u00BB' or '\u00BF' or '\uFFFE' or '\0')) i++;
            var (open, close) = string.CompareOrdinal(text, i, "<!--", 0, 4) == 0 ? ("<!--", "-->")
                : string.CompareOrdinal(text, i, "<?", 0, 2) == 0 ? ("<?", "?>")
                : ("", "");
            if (open.Length == 0) break;
            var end = text.IndexOf(close, i + open.Length, StringComparison.Ordinal);
            if (end < 0) return "";
            i = end + close.Length;
        }
        return text[i..Math.Min(text.Length, i + 512)];
    }
}
