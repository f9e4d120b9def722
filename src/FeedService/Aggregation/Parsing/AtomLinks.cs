using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>Atom link elements (also found as atom:link inside RSS): rel defaults to "alternate" (RFC 4287 4.2.7.2).</summary>
internal static class AtomLinks
{
    private const string IanaRelations = "http://www.iana.org/assignments/relation/";

    public static bool HasRel(XElement link, string rel)
    {
        var value = ElementText.Attribute(link, "rel") ?? "alternate";
        if (value.StartsWith(IanaRelations, StringComparison.OrdinalIgnoreCase)) value = value[IanaRelations.Length..];
        return value.Equals(rel, StringComparison.OrdinalIgnoreCase);
    }

    public static IEnumerable<XElement> WithRel(IEnumerable<XElement> links, string rel) =>
        links.Where(l => HasRel(l, rel) && ElementText.Attribute(l, "href") is not null);

    /// <summary>The href of the first link with that rel, absolute, or null.</summary>
    public static string? Href(IEnumerable<XElement> links, string rel, Uri documentUrl, Action<string> report)
    {
        foreach (var link in WithRel(links, rel))
        {
            var (baseUri, _) = XmlBase.Of(link, documentUrl);
            if (FeedUrls.Resolve(ElementText.Attribute(link, "href"), baseUri, report, rel + " link") is { } href) return href;
        }
        return null;
    }
}
