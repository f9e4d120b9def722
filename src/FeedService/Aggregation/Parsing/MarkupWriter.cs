using System.Text;
using System.Xml.Linq;
using FeedService.Content;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Writes XML nodes found inside a feed field (naked markup, Atom xhtml) back out as an HTML string: namespace
/// declarations and prefixes dropped, text escaped, void elements written the HTML way. Optionally resolves relative
/// href/src attributes against a base, for fields whose own xml:base differs from the item's.
/// </summary>
internal static class MarkupWriter
{
    private static readonly HashSet<string> VoidElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    };

    // Markup nested deeper than any real content is dropped: a hostile document must not exhaust the stack.
    private const int MaxDepth = 100;

    public static string Write(IEnumerable<XNode> nodes, bool escapeText, Uri? resolveAgainst)
    {
        var output = new StringBuilder();
        foreach (var node in nodes) WriteNode(node, output, escapeText, resolveAgainst, depth: 0);
        return output.ToString();
    }

    private static void WriteNode(XNode node, StringBuilder output, bool escapeText, Uri? resolveAgainst, int depth)
    {
        switch (node)
        {
            case XCData cdata: output.Append(cdata.Value); break;
            case XText text: output.Append(escapeText ? HtmlEscape.Text(text.Value) : text.Value); break;
            case XElement element when depth < MaxDepth: WriteElement(element, output, resolveAgainst, depth + 1); break;
        }
    }

    private static void WriteElement(XElement element, StringBuilder output, Uri? resolveAgainst, int depth)
    {
        var name = element.Name.LocalName;
        output.Append('<').Append(name);
        foreach (var attribute in element.Attributes())
        {
            if (attribute.IsNamespaceDeclaration) continue;
            var value = attribute.Value;
            if (resolveAgainst is not null && IsUrlAttribute(attribute.Name.LocalName) && FeedUrls.TryResolve(value, resolveAgainst, out var absolute))
                value = absolute.AbsoluteUri;
            output.Append(' ').Append(attribute.Name.LocalName).Append("=\"").Append(HtmlEscape.Attribute(value)).Append('"');
        }
        output.Append('>');
        if (VoidElements.Contains(name) && !element.Nodes().Any()) return;
        foreach (var child in element.Nodes()) WriteNode(child, output, escapeText: true, resolveAgainst, depth);
        output.Append("</").Append(name).Append('>');
    }

    internal static bool IsUrlAttribute(string name) => name is "href" or "src";
}
