using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Reads Atom 1.0 and 0.3 from an XML tree, strict or leniently rebuilt, honouring xml:base on every element.
/// Each entry is read on its own: an entry that fails is reported and skipped, the others are kept.
/// </summary>
internal static class AtomReader
{
    private static readonly XNamespace Dc = FeedNamespaces.DublinCore;

    public static ParsedFeed Read(XDocument document, string format, Uri documentUrl, ProblemLog problems)
    {
        var feed = document.Root!;
        var ns = feed.Name.Namespace;
        var links = feed.Elements(ns + "link").ToList();
        var parsed = ItemBuilder.ReadEach(feed.Elements(ns + "entry").ToList(), problems, (entry, b) => ReadEntry(entry, ns, b, documentUrl));
        return new ParsedFeed(
            format,
            Title(feed.Element(ns + "title"), documentUrl),
            AtomLinks.Href(links, "alternate", documentUrl, problems.Add),
            AtomText.AsHtml(feed.Element(ns + "subtitle") ?? feed.Element(ns + "tagline"), null),
            null,
            AtomLinks.Href(links, "hub", documentUrl, problems.Add),
            AtomLinks.Href(links, "self", documentUrl, problems.Add),
            parsed,
            problems.ToList());
    }

    private static ParsedItem ReadEntry(XElement entry, XNamespace ns, ItemBuilder b, Uri documentUrl)
    {
        var links = entry.Elements(ns + "link").ToList();
        b.Id = Id(entry.Element(ns + "id"), documentUrl);
        b.Title = Title(entry.Element(ns + "title"), documentUrl);
        b.Link = AtomLinks.Href(links, "alternate", documentUrl, b.Report);
        b.Published = b.Date(Text(entry, ns + "published")) ?? b.Date(Text(entry, ns + "issued")) ?? b.Date(Text(entry, ns + "created"));
        b.Updated = b.Date(Text(entry, ns + "updated")) ?? b.Date(Text(entry, ns + "modified"));
        foreach (var author in entry.Elements(ns + "author")) b.AddAuthor(Person(author, ns));
        foreach (var creator in entry.Elements(Dc + "creator")) b.AddAuthor(ElementText.Of(creator));
        if (!b.HasAuthors) foreach (var author in InheritedAuthors(entry, ns)) b.AddAuthor(author);
        foreach (var category in entry.Elements(ns + "category")) b.AddCategory(ElementText.Attribute(category, "term") ?? ElementText.Attribute(category, "label"));
        foreach (var subject in entry.Elements(Dc + "subject")) b.AddCategory(ElementText.Of(subject));
        AddEnclosures(links, b, documentUrl);
        var itemBase = XmlBase.OfItem(entry, b.Link, documentUrl);
        b.Summary = Html(entry.Element(ns + "summary"), itemBase, documentUrl);
        var content = entry.Element(ns + "content");
        b.Content = content?.Attribute("src") is null ? Html(content, itemBase, documentUrl) : null; // out-of-line content is not fetched
        return b.Build(itemBase);
    }

    internal static void AddEnclosures(IEnumerable<XElement> links, ItemBuilder b, Uri documentUrl)
    {
        foreach (var link in AtomLinks.WithRel(links, "enclosure"))
            b.AddEnclosure(ElementText.Attribute(link, "href"), XmlBase.Of(link, documentUrl).Base,
                ElementText.Attribute(link, "type"), ElementText.Attribute(link, "length"));
    }

    /// <summary>RFC 4287 4.2.1: an entry without authors has those of its atom:source, else those of the feed.</summary>
    internal static IEnumerable<string?> InheritedAuthors(XElement entry, XNamespace ns)
    {
        var source = entry.Element(ns + "source")?.Elements(ns + "author").ToList() ?? [];
        var authors = source.Count > 0 ? source : entry.Parent?.Elements(ns + "author").ToList() ?? [];
        return authors.Select(a => Person(a, ns));
    }

    /// <summary>A person construct's name, else its e-mail; a bare text author is taken as the name.</summary>
    internal static string? Person(XElement person, XNamespace ns) =>
        ElementText.Of(person.Element(ns + "name")) ?? ElementText.Of(person.Element(ns + "email"))
        ?? (person.HasElements ? null : ElementText.Of(person));

    private static string? Text(XElement parent, XName name) => ElementText.Of(parent.Element(name));

    /// <summary>Relative ids are resolved against an explicit xml:base, as feedparser and gofeed do.</summary>
    internal static string? Id(XElement? id, Uri documentUrl)
    {
        var text = ElementText.Of(id);
        if (text is null || Uri.TryCreate(text, UriKind.Absolute, out _)) return text;
        var (baseUri, isExplicit) = XmlBase.Of(id!, documentUrl);
        return isExplicit && FeedUrls.TryResolve(text, baseUri, out var resolved) ? resolved.AbsoluteUri : text;
    }

    /// <summary>Titles have no base of their own, so relative URLs in their markup are resolved here against an explicit xml:base.</summary>
    internal static string? Title(XElement? title, Uri documentUrl)
    {
        if (title is null) return null;
        var (baseUri, isExplicit) = XmlBase.Of(title, documentUrl);
        return AtomText.AsTitle(title, isExplicit ? baseUri : null);
    }

    /// <summary>Summary/content HTML; rewritten only when the element's own base differs from the item's BaseUrl.</summary>
    internal static string? Html(XElement? element, Uri itemBase, Uri documentUrl)
    {
        if (element is null) return null;
        var (elementBase, isExplicit) = XmlBase.Of(element, documentUrl);
        return AtomText.AsHtml(element, isExplicit && elementBase != itemBase ? elementBase : null);
    }
}
