using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Finds RSS elements whatever the version puts them in: no namespace (0.91-2.0), the RSS 1.0 or the RSS 0.90 RDF
/// namespace, or whatever default namespace a confused feed declared on its root.
/// </summary>
internal sealed class RssElements(XElement root)
{
    private readonly XNamespace rootDefault = root.GetDefaultNamespace();

    public bool IsCore(XElement element, string localName) =>
        element.Name.LocalName == localName && IsCoreNamespace(element.Name.Namespace);

    public IEnumerable<XElement> All(XElement parent, string localName) => parent.Elements().Where(e => IsCore(e, localName));

    public XElement? First(XElement parent, string localName) => All(parent, localName).FirstOrDefault();

    public string? Text(XElement parent, string localName) =>
        All(parent, localName).Select(ElementText.Of).FirstOrDefault(t => t is not null);

    private bool IsCoreNamespace(XNamespace ns) =>
        ns == XNamespace.None || ns == FeedNamespaces.Rss10 || FeedNamespaces.IsRss090(ns) || ns == rootDefault;

    /// <summary>The first non-empty text of an extension element such as dc:creator.</summary>
    public static string? Extension(XElement parent, XName name) =>
        parent.Elements(name).Select(ElementText.Of).FirstOrDefault(t => t is not null);

    /// <summary>
    /// The element's link: its text, or its href for a link written Atom-style without the namespace. Such a link with a
    /// rel other than alternate (self, hub, ...) is not the page link.
    /// </summary>
    public static string? LinkValue(XElement link)
    {
        var rel = ElementText.Attribute(link, "rel");
        if (rel is not null && !rel.Equals("alternate", StringComparison.OrdinalIgnoreCase)) return null;
        return ElementText.Attribute(link, "href") ?? ElementText.Of(link);
    }
}
