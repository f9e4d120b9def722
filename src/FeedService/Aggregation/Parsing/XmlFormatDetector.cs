using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>Names the feed format from the root element, or explains why the document is not a feed.</summary>
internal static class XmlFormatDetector
{
    public static (string? Format, string? Error) Detect(XElement? root)
    {
        if (root is null) return (null, "no root element");
        var name = root.Name.LocalName;
        var ns = root.Name.Namespace;
        if (name.Equals("rss", StringComparison.OrdinalIgnoreCase)) return (RssVersion(root.Attribute("version")?.Value), null);
        if (name == "RDF")
        {
            if (IsRss090(root)) return (FeedFormats.Rss090, null);
            return (FeedFormats.Rss10, null);
        }
        if (name == "feed")
        {
            if (ns == FeedNamespaces.Atom03 || root.Attribute("version")?.Value.Trim() == "0.3") return (FeedFormats.Atom03, null);
            return (FeedFormats.Atom10, null);
        }
        return (null, name.Equals("html", StringComparison.OrdinalIgnoreCase)
            ? "document is an HTML page, not a feed"
            : $"not a feed: unknown root element <{root.Name.LocalName}>");
    }

    /// <summary>0.91-0.94 as declared; everything else (2.0, 2.0.1, 2.01, missing, garbage) is read as 2.0.</summary>
    private static string RssVersion(string? version) => version?.Trim() switch
    {
        "0.90" or "0.9" => FeedFormats.Rss090,
        "0.91" => FeedFormats.Rss091,
        "0.92" => FeedFormats.Rss092,
        "0.93" => FeedFormats.Rss093,
        "0.94" => FeedFormats.Rss094,
        _ => FeedFormats.Rss20,
    };

    private static bool IsRss090(XElement root) =>
        root.Attributes().Any(a => a.IsNamespaceDeclaration && FeedNamespaces.IsRss090(a.Value))
        || root.Elements().Any(e => FeedNamespaces.IsRss090(e.Name.Namespace));
}
