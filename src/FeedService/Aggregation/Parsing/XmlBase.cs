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
}
