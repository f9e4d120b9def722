using System.Text;
using System.Xml.Linq;
using FeedService.Content;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Atom text constructs (title, subtitle, summary, content; Atom 0.3 with its "mode" attribute too).
/// <see cref="AsHtml"/> gives the HTML the construct stands for: html as is, xhtml as the inner markup of its div, text
/// escaped. <see cref="AsTitle"/> keeps text as text (titles are shown as text) but html/xhtml as markup.
/// Base64 (Atom 0.3 mode="base64", or a non-text MIME type) is decoded.
/// </summary>
internal static class AtomText
{
    private enum Kind { Text, Html, Xhtml, Base64 }

    public static string? AsHtml(XElement? element, Uri? resolveAgainst) => Read(element, escapeText: true, resolveAgainst);

    public static string? AsTitle(XElement? element, Uri? resolveAgainst) => Read(element, escapeText: false, resolveAgainst);

    private static string? Read(XElement? element, bool escapeText, Uri? resolveAgainst)
    {
        if (element is null) return null;
        var value = KindOf(element) switch
        {
            Kind.Xhtml => MarkupWriter.Write(XhtmlChildren(element), escapeText: true, resolveAgainst),
            Kind.Html => Resolve(element.HasElements
                ? MarkupWriter.Write(element.Nodes(), escapeText: false, resolveAgainst: null)
                : ElementText.ConcatenateText(element), resolveAgainst),
            Kind.Base64 => DecodeBase64(ElementText.ConcatenateText(element)),
            _ => element.HasElements
                ? MarkupWriter.Write(element.Nodes(), escapeText, resolveAgainst)
                : escapeText ? HtmlEscape.Text(ElementText.ConcatenateText(element)) : ElementText.ConcatenateText(element),
        };
        return ElementText.NullIfEmpty(value);
    }

    private static string Resolve(string html, Uri? resolveAgainst) => resolveAgainst is null ? html : HtmlUrls.Resolve(html, resolveAgainst);

    private static Kind KindOf(XElement element)
    {
        var type = (element.Attribute("type")?.Value ?? "").Trim().ToUpperInvariant();
        var mode = (element.Attribute("mode")?.Value ?? "").Trim().ToUpperInvariant();
        if (mode == "BASE64") return Kind.Base64;
        if (mode == "ESCAPED") return type is "TEXT/PLAIN" or "TEXT" ? Kind.Text : Kind.Html;
        if (type is "XHTML" or "APPLICATION/XHTML+XML") return Kind.Xhtml;
        if (type is "HTML" or "TEXT/HTML") return Kind.Html;
        if (type is "" or "TEXT" || type.StartsWith("TEXT/", StringComparison.Ordinal)) return Kind.Text;
        if (type.EndsWith("+XML", StringComparison.Ordinal) || type.EndsWith("/XML", StringComparison.Ordinal)) return Kind.Xhtml;
        return Kind.Base64; // RFC 4287 4.1.3.3: any other MIME type is base64-encoded
    }

    /// <summary>The children of the wrapping xhtml div when there is one (RFC 4287 requires it), else all children.</summary>
    private static IEnumerable<XNode> XhtmlChildren(XElement element)
    {
        var elements = element.Elements().ToList();
        var onlyDiv = elements.Count == 1 && elements[0].Name.LocalName == "div"
            && !element.Nodes().OfType<XText>().Any(t => !string.IsNullOrWhiteSpace(t.Value));
        return onlyDiv ? elements[0].Nodes() : element.Nodes();
    }

    /// <summary>
    /// Base64 text decoded as UTF-8. Text that is not base64 after all, or does not decode to text (a custom type on a
    /// plain word such as "test", which happens to be valid base64), is kept as it is.
    /// </summary>
    private static string DecodeBase64(string text)
    {
        var trimmed = text.Trim();
        var buffer = new byte[trimmed.Length];
        if (!Convert.TryFromBase64String(trimmed, buffer, out var length)) return text;
        var decoded = buffer.AsSpan(0, length);
        return System.Text.Unicode.Utf8.IsValid(decoded) ? Encoding.UTF8.GetString(decoded) : text;
    }
}
