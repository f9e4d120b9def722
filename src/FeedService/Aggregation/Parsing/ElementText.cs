using System.Text;
using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// The text of an RSS/JSON-less XML field the way feeds mean it: entities decoded, CDATA taken as is, and markup that
/// was put in the element unescaped ("naked" HTML) kept as markup rather than silently dropped. Trimmed; empty is null.
/// </summary>
internal static class ElementText
{
    public static string? Of(XElement? element)
    {
        if (element is null) return null;
        var text = element.HasElements
            ? MarkupWriter.Write(element.Nodes(), escapeText: false, resolveAgainst: null)
            : ConcatenateText(element);
        return NullIfEmpty(text);
    }

    public static string? NullIfEmpty(string? text)
    {
        var trimmed = text?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    /// <summary>The text and CDATA children, in order (mixed "text &lt;![CDATA[...]]&gt; text" keeps every part).</summary>
    public static string ConcatenateText(XElement element)
    {
        var first = element.FirstNode;
        if (first is XText only && first.NextNode is null) return only.Value;
        var output = new StringBuilder();
        foreach (var node in element.Nodes()) if (node is XText text) output.Append(text.Value);
        return output.ToString();
    }

    /// <summary>An attribute's value, trimmed; empty is null.</summary>
    public static string? Attribute(XElement element, string name) => NullIfEmpty(element.Attribute(name)?.Value);
}
