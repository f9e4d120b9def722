using System.ServiceModel.Syndication;
using System.Xml.Linq;
using FeedService.Content;

namespace FeedService.Aggregation.Parsing;

/// <summary>Maps what Atom10FeedFormatter read; the matching &lt;entry&gt; element supplies what it does not model.</summary>
internal static class SyndicationAtomMapper
{
    private static readonly XNamespace Atom = FeedNamespaces.Atom10;

    public static ParsedFeed? Map(SyndicationFeed feed, XElement root, Uri documentUrl, ProblemLog problems)
    {
        if (SyndicationReader.Paired(feed, root.Elements(Atom + "entry")) is not { } entries) return null;
        var parsed = ItemBuilder.ReadEach(entries, problems, (entry, b) => MapEntry(entry.Item, entry.Element, b, documentUrl));
        var alternate = SyndicationLinks.WithRel(feed.Links, "alternate").FirstOrDefault();
        return new ParsedFeed(
            FeedFormats.Atom10,
            Title(feed.Title, root.Element(Atom + "title"), documentUrl),
            alternate is null ? null : SyndicationLinks.Href(alternate, documentUrl, problems.Add, "alternate link"),
            Html(feed.Description, root.Element(Atom + "subtitle"), documentUrl, documentUrl),
            null,
            Href(feed.Links, "hub", documentUrl, problems.Add),
            Href(feed.Links, "self", documentUrl, problems.Add),
            parsed,
            problems.ToList());
    }

    private static ParsedItem MapEntry(SyndicationItem si, XElement entry, ItemBuilder b, Uri documentUrl)
    {
        b.Id = AtomReader.Id(entry.Element(Atom + "id"), documentUrl) ?? ElementText.NullIfEmpty(si.Id);
        b.Title = Title(si.Title, entry.Element(Atom + "title"), documentUrl);
        var links = entry.Elements(Atom + "link").ToList();
        // A URL .NET could not parse arrives empty: the tree reader's helper reports it.
        b.Link = Href(si.Links, "alternate", documentUrl, b.Report) ?? AtomLinks.Href(links, "alternate", documentUrl, b.Report);
        b.Published = SyndicationReader.Date(si.PublishDate) ?? b.Date(ElementText.Of(entry.Element(Atom + "published")));
        b.Updated = SyndicationReader.Date(si.LastUpdatedTime) ?? b.Date(ElementText.Of(entry.Element(Atom + "updated")));
        foreach (var person in si.Authors) b.AddAuthor(SyndicationLinks.Person(person));
        foreach (var creator in entry.Elements(FeedNamespaces.DublinCore + "creator")) b.AddAuthor(ElementText.Of(creator));
        if (!b.HasAuthors) foreach (var author in AtomReader.InheritedAuthors(entry, Atom)) b.AddAuthor(author);
        foreach (var category in si.Categories) b.AddCategory(ElementText.NullIfEmpty(category.Name) ?? category.Label);
        foreach (var subject in entry.Elements(FeedNamespaces.DublinCore + "subject")) b.AddCategory(ElementText.Of(subject));
        if (SyndicationLinks.WithRel(si.Links, "enclosure").Count() == AtomLinks.WithRel(links, "enclosure").Count())
            SyndicationLinks.AddEnclosures(b, si.Links, documentUrl);
        else AtomReader.AddEnclosures(links, b, documentUrl);
        var itemBase = XmlBase.OfItem(entry, b.Link, documentUrl);
        b.Summary = Html(si.Summary, entry.Element(Atom + "summary"), itemBase, documentUrl);
        b.Content = si.Content switch
        {
            UrlSyndicationContent => null, // out-of-line content is not fetched
            TextSyndicationContent text => Html(text, entry.Element(Atom + "content"), itemBase, documentUrl),
            _ => AtomReader.Html(entry.Element(Atom + "content"), itemBase, documentUrl),
        };
        return b.Build(itemBase);
    }

    private static string? Href(IEnumerable<SyndicationLink> links, string rel, Uri documentUrl, Action<string> report) =>
        SyndicationLinks.WithRel(links, rel).Select(l => SyndicationLinks.Href(l, documentUrl, report, rel + " link")).FirstOrDefault(h => h is not null);

    /// <summary>Plain-text titles as the formatter read them; markup (html, xhtml, naked) the way the tree reader writes it.</summary>
    private static string? Title(TextSyndicationContent? title, XElement? element, Uri documentUrl) =>
        title is { Type: "text" } && element is { HasElements: false } ? SyndicationReader.Text(title) : AtomReader.Title(element, documentUrl);

    /// <summary>Text escaped and html as is from the formatter; xhtml, or html under its own xml:base, from the element.</summary>
    private static string? Html(TextSyndicationContent? content, XElement? element, Uri itemBase, Uri documentUrl)
    {
        if (content is null || element is null || element.HasElements || element.Attribute(XNamespace.Xml + "base") is not null)
            return AtomReader.Html(element, itemBase, documentUrl);
        return content.Type switch
        {
            "text" => ElementText.NullIfEmpty(HtmlEscape.Text(content.Text)),
            "html" => SyndicationReader.Text(content),
            _ => AtomReader.Html(element, itemBase, documentUrl),
        };
    }
}
