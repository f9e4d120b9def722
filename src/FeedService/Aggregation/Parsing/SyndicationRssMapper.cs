using System.ServiceModel.Syndication;
using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>Maps what Rss20FeedFormatter read; the matching &lt;item&gt; element supplies what it does not model.</summary>
internal static class SyndicationRssMapper
{
    private static readonly XNamespace Dc = FeedNamespaces.DublinCore;

    public static ParsedFeed? Map(SyndicationFeed feed, XElement root, Uri documentUrl, ProblemLog problems)
    {
        var rss = new RssElements(root);
        var channel = root.Element("channel");
        if (channel is null || SyndicationReader.Paired(feed, channel.Elements("item")) is not { } items) return null;
        var parsed = ItemBuilder.ReadEach(items, problems, (item, b) => MapItem(item.Item, item.Element, b, rss, documentUrl));
        var channelLinks = RssReader.ChannelAtomLinks(channel, rss);
        return new ParsedFeed(
            FeedFormats.Rss20,
            Flattened(rss.First(channel, "title")) ?? SyndicationReader.Text(feed.Title) ?? RssElements.Extension(channel, Dc + "title"),
            FeedLink(feed, channel, rss, documentUrl, problems),
            Flattened(rss.First(channel, "description")) ?? SyndicationReader.Text(feed.Description) ?? RssElements.Extension(channel, Dc + "description"),
            RssReader.Ttl(rss.Text(channel, "ttl"), problems),
            AtomLinks.Href(channelLinks, "hub", documentUrl, problems.Add),
            AtomLinks.Href(channelLinks, "self", documentUrl, problems.Add),
            parsed,
            problems.ToList());
    }

    private static ParsedItem MapItem(SyndicationItem si, XElement item, ItemBuilder b, RssElements rss, Uri documentUrl)
    {
        b.Title = Flattened(rss.First(item, "title")) ?? SyndicationReader.Text(si.Title) ?? RssElements.Extension(item, Dc + "title");
        b.Id = Flattened(rss.First(item, "guid")) ?? ElementText.NullIfEmpty(si.Id);
        b.Link = ItemLink(si, item, b, rss, documentUrl) ?? RssReader.PermalinkGuid(rss.First(item, "guid"), b.Id);
        b.Published = SyndicationReader.Date(si.PublishDate) ?? RssReader.PublishedDate(item, b, rss);
        b.Updated = SyndicationReader.Date(si.LastUpdatedTime) ?? RssReader.UpdatedDate(item, b);
        if (rss.All(item, "author").Any(a => a.HasElements)) RssReader.AddAuthors(item, b, rss);
        else
        {
            foreach (var person in si.Authors) b.AddAuthor(SyndicationLinks.Person(person));
            foreach (var creator in item.Elements(Dc + "creator")) b.AddAuthor(ElementText.Of(creator));
        }
        if (rss.All(item, "category").Any(c => c.HasElements)) RssReader.AddCategories(item, b, rss);
        else
        {
            foreach (var category in si.Categories) b.AddCategory(category.Name);
            foreach (var subject in item.Elements(Dc + "subject")) b.AddCategory(ElementText.Of(subject));
        }
        b.Summary = Summary(si, item, rss);
        b.Content = RssReader.Content(item);
        if (SyndicationLinks.WithRel(si.Links, "enclosure").Count() == RssReader.EnclosureElements(item, rss).Count())
            SyndicationLinks.AddEnclosures(b, si.Links, documentUrl);
        else RssReader.AddEnclosures(item, b, rss, documentUrl); // some URL arrived empty: the tree reader reports it
        return b.Build(XmlBase.OfItem(item, b.Link, documentUrl));
    }

    /// <summary>The formatter puts &lt;description&gt; in Content (it has no place for content:encoded).</summary>
    private static string? Summary(SyndicationItem si, XElement item, RssElements rss)
    {
        var description = rss.First(item, "description");
        if (description is null) return RssElements.Extension(item, Dc + "description");
        return Flattened(description) ?? SyndicationReader.Text(si.Summary) ?? SyndicationReader.Text(si.Content as TextSyndicationContent);
    }

    /// <summary>
    /// The formatter keeps only the last RSS link and ignores href-style links, and it keeps only the text of markup put
    /// unescaped in an element: those cases are read from the element, the way the tree reader does.
    /// </summary>
    private static string? ItemLink(SyndicationItem si, XElement item, ItemBuilder b, RssElements rss, Uri documentUrl)
    {
        // Without an RSS <link> the formatter makes one from the guid, even a relative one: read those cases like the tree reader.
        var links = rss.All(item, "link").ToList();
        if (links.Count == 0 || links.Any(l => l.HasAttributes)) return RssReader.ItemLink(item, b, rss, documentUrl);
        var alternate = SyndicationLinks.WithRel(si.Links, "alternate").LastOrDefault();
        // A URL .NET could not parse arrives empty: the tree reader reports it.
        return (alternate is null ? null : SyndicationLinks.Href(alternate, documentUrl, b.Report, "link"))
            ?? RssReader.ItemLink(item, b, rss, documentUrl);
    }

    private static string? FeedLink(SyndicationFeed feed, XElement channel, RssElements rss, Uri documentUrl, ProblemLog problems)
    {
        if (rss.All(channel, "link").Any(l => l.HasAttributes)) return RssReader.ChannelLink(channel, rss, documentUrl, problems);
        var alternate = SyndicationLinks.WithRel(feed.Links, "alternate").LastOrDefault();
        return alternate is null ? null : SyndicationLinks.Href(alternate, documentUrl, problems.Add, "feed link");
    }

    /// <summary>Null unless the element holds naked markup, which the formatter would have flattened to its text.</summary>
    private static string? Flattened(XElement? element) => element is { HasElements: true } ? ElementText.Of(element) : null;
}
