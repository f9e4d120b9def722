using System.Globalization;
using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Reads every RSS version (0.90-0.94, 1.0/RDF, 2.0) from an XML tree, strict or leniently rebuilt. Each item is read on
/// its own: an item that fails is reported and skipped, the others are kept.
/// </summary>
internal static class RssReader
{
    private static readonly XNamespace Dc = FeedNamespaces.DublinCore;
    private static readonly XNamespace Atom = FeedNamespaces.Atom10;

    public static ParsedFeed Read(XDocument document, string format, Uri documentUrl, ProblemLog problems)
    {
        var root = document.Root!;
        var rss = new RssElements(root);
        var channel = rss.First(root, "channel") ?? root;
        var channelLinks = ChannelAtomLinks(channel, rss);
        var items = rss.All(channel, "item").Concat(channel == root ? [] : rss.All(root, "item")).ToList();
        var parsed = ItemBuilder.ReadEach(items, problems, (item, b) => ReadItem(item, b, rss, documentUrl));
        return new ParsedFeed(
            format,
            rss.Text(channel, "title") ?? RssElements.Extension(channel, Dc + "title"),
            ChannelLink(channel, rss, documentUrl, problems) ?? AtomLinks.Href(channel.Elements(Atom + "link"), "alternate", documentUrl, problems.Add),
            rss.Text(channel, "description") ?? RssElements.Extension(channel, Dc + "description"),
            Ttl(rss.Text(channel, "ttl"), problems),
            AtomLinks.Href(channelLinks, "hub", documentUrl, problems.Add),
            AtomLinks.Href(channelLinks, "self", documentUrl, problems.Add),
            parsed,
            problems.ToList());
    }

    private static ParsedItem ReadItem(XElement item, ItemBuilder b, RssElements rss, Uri documentUrl)
    {
        b.Title = rss.Text(item, "title") ?? RssElements.Extension(item, Dc + "title");
        b.Link = ItemLink(item, b, rss, documentUrl);
        var guid = rss.First(item, "guid");
        b.Id = ElementText.Of(guid);
        b.Link ??= PermalinkGuid(guid, b.Id);
        b.Published = PublishedDate(item, b, rss);
        b.Updated = UpdatedDate(item, b);
        AddAuthors(item, b, rss);
        AddCategories(item, b, rss);
        b.Summary = rss.Text(item, "description") ?? RssElements.Extension(item, Dc + "description");
        b.Content = Content(item);
        AddEnclosures(item, b, rss, documentUrl);
        return b.Build(XmlBase.OfItem(item, b.Link, documentUrl));
    }

    /// <summary>Links with a rel (atom:link, or Atom-style links written without the namespace): where hub and self are.</summary>
    internal static List<XElement> ChannelAtomLinks(XElement channel, RssElements rss) =>
        [.. channel.Elements(Atom + "link").Concat(rss.All(channel, "link").Where(l => l.Attribute("href") is not null))];

    /// <summary>RSS author (an e-mail address by the spec, often a name) and atom:author in document order, then dc:creator.</summary>
    internal static void AddAuthors(XElement item, ItemBuilder b, RssElements rss)
    {
        foreach (var element in item.Elements())
        {
            if (rss.IsCore(element, "author")) b.AddAuthor(ElementText.Of(element));
            else if (element.Name == Atom + "author") b.AddAuthor(AtomReader.Person(element, Atom));
        }
        foreach (var creator in item.Elements(Dc + "creator")) b.AddAuthor(ElementText.Of(creator));
    }

    /// <summary>RSS category and atom:category term in document order, then dc:subject.</summary>
    internal static void AddCategories(XElement item, ItemBuilder b, RssElements rss)
    {
        foreach (var element in item.Elements())
        {
            if (rss.IsCore(element, "category")) b.AddCategory(ElementText.Of(element));
            else if (element.Name == Atom + "category") b.AddCategory(ElementText.Attribute(element, "term") ?? ElementText.Attribute(element, "label"));
        }
        foreach (var subject in item.Elements(Dc + "subject")) b.AddCategory(ElementText.Of(subject));
    }

    /// <summary>RSS enclosures and atom:link rel="enclosure".</summary>
    internal static IEnumerable<XElement> EnclosureElements(XElement item, RssElements rss) =>
        rss.All(item, "enclosure").Concat(item.Elements(Atom + "link").Where(l => AtomLinks.HasRel(l, "enclosure")));

    internal static void AddEnclosures(XElement item, ItemBuilder b, RssElements rss, Uri documentUrl)
    {
        foreach (var enclosure in EnclosureElements(item, rss))
        {
            var isRss = enclosure.Name.LocalName == "enclosure";
            b.AddEnclosure(ElementText.Attribute(enclosure, isRss ? "url" : "href"), XmlBase.Of(enclosure, documentUrl).Base,
                ElementText.Attribute(enclosure, "type"), ElementText.Attribute(enclosure, "length"));
        }
    }

    internal static DateTimeOffset? PublishedDate(XElement item, ItemBuilder b, RssElements rss) =>
        b.Date(rss.Text(item, "pubDate")) ?? b.Date(RssElements.Extension(item, Dc + "date"))
        ?? b.Date(RssElements.Extension(item, Atom + "published")) ?? b.Date(RssElements.Extension(item, FeedNamespaces.DcTerms + "issued"));

    internal static DateTimeOffset? UpdatedDate(XElement item, ItemBuilder b) =>
        b.Date(RssElements.Extension(item, Atom + "updated")) ?? b.Date(RssElements.Extension(item, FeedNamespaces.DcTerms + "modified"));

    internal static string? Content(XElement item) =>
        RssElements.Extension(item, FeedNamespaces.Content + "encoded") ?? AtomText.AsHtml(item.Element(Atom + "content"), null);

    /// <summary>
    /// The last non-empty link wins, as in gofeed and feedparser (feeds that repeat &lt;link&gt; put the real one last);
    /// atom:link rel="alternate" when there is no RSS link.
    /// </summary>
    internal static string? ItemLink(XElement item, ItemBuilder b, RssElements rss, Uri documentUrl)
    {
        var link = rss.All(item, "link").LastOrDefault(l => RssElements.LinkValue(l) is not null);
        if (link is not null) return b.Url(RssElements.LinkValue(link), XmlBase.Of(link, documentUrl).Base, "link");
        return AtomLinks.Href(item.Elements(Atom + "link"), "alternate", documentUrl, b.Report);
    }

    internal static string? ChannelLink(XElement channel, RssElements rss, Uri documentUrl, ProblemLog problems)
    {
        var link = rss.All(channel, "link").LastOrDefault(l => RssElements.LinkValue(l) is not null);
        return link is null ? null : FeedUrls.Resolve(RssElements.LinkValue(link), XmlBase.Of(link, documentUrl).Base, problems.Add, "feed link");
    }

    /// <summary>A guid is the item's URL unless isPermaLink="false" (RSS 2.0); used only when it really is an absolute web URL.</summary>
    internal static string? PermalinkGuid(XElement? guid, string? id)
    {
        if (guid is null || id is null) return null;
        if (string.Equals(ElementText.Attribute(guid, "isPermaLink"), "false", StringComparison.OrdinalIgnoreCase)) return null;
        return Uri.TryCreate(id, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.AbsoluteUri : null;
    }

    internal static TimeSpan? Ttl(string? raw, ProblemLog problems)
    {
        if (raw is null) return null;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)) return TimeSpan.FromMinutes(minutes);
        problems.Add($"ttl {ProblemLog.Quote(raw)} is not a number of minutes");
        return null;
    }
}
