using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>The base URL in scope for an element: its own and its ancestors' xml:base, resolved outward-in against the document URL.</summary>
internal static class XmlBase
{
    private static readonly XName BaseAttribute = XNamespace.Xml + "base";

    /// <summary>The effective base, and whether any xml:base contributed to it (as opposed to the document URL alone).</summary>
    public static (Uri Base, bool IsExplicit) Of(XElement element, Uri documentUrl)
    {
        var declared = new List<string>();
        for (var e = element; e is not null; e = e.Parent)
            if (e.Attribute(BaseAttribute)?.Value is { } value && !string.IsNullOrWhiteSpace(value)) declared.Add(value);
        var current = documentUrl;
        var isExplicit = false;
        for (var k = declared.Count - 1; k >= 0; k--)
        {
            if (!FeedUrls.TryResolve(declared[k], current, out var resolved)) continue; // an unusable xml:base is ignored
            current = resolved;
            isExplicit = true;
        }
        return (current, isExplicit);
    }

    /// <summary>
    /// What relative URLs in an item's HTML resolve against: the xml:base in scope of the item when there is one, else its
    /// <paramref name="link"/> (absolute, when there is one), else the document URL.
    /// </summary>
    public static Uri OfItem(XElement item, string? link, Uri documentUrl)
    {
        var (itemBase, isExplicit) = Of(item, documentUrl);
        return isExplicit ? itemBase : link is not null ? new Uri(link) : documentUrl;
    }
}
