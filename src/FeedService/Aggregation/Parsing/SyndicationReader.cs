using System.ServiceModel.Syndication;
using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Reads RSS 2.0 and Atom 1.0 with System.ServiceModel.Syndication, made tolerant through its DateTimeParser and
/// UriParser hooks (so one bad date or URL does not throw later, when the item is read). It only accepts
/// &lt;rss version="2.0"&gt; and Atom 1.0, and still refuses some flaws (a non-numeric enclosure length, ...):
/// then it returns null and <see cref="FeedParser"/> uses its own tree readers, which read every format.
/// Fields the formatters do not model (content:encoded, dc:*, ttl, hub) or flatten (naked markup in a title) are taken
/// from the XML element of the same item, with the same helpers the tree readers use, so both paths agree.
/// </summary>
internal static class SyndicationReader
{
    public static ParsedFeed? TryRead(XDocument document, string format, Uri documentUrl, ProblemLog problems)
    {
        var root = document.Root!;
        var isRss = format == FeedFormats.Rss20 && root.Name == "rss" && root.Attribute("version")?.Value == "2.0";
        var isAtom = format == FeedFormats.Atom10 && root.Name == FeedNamespaces.Atom10 + "feed";
        if (!isRss && !isAtom) return null;
        // Extensions are read from the XML tree, so the formatter need not buffer them (that was half of its time).
        SyndicationFeedFormatter formatter = isRss
            ? new Rss20FeedFormatter { PreserveElementExtensions = false, PreserveAttributeExtensions = false }
            : new Atom10FeedFormatter { PreserveElementExtensions = false, PreserveAttributeExtensions = false };
        formatter.DateTimeParser = TolerantDate;
        formatter.UriParser = TolerantUri;
        try
        {
            // From the tree already built, not the text: parsing the text a second time was a third of the parse.
            using (var reader = TreeXmlReader.Over(document)) formatter.ReadFrom(reader);
            var attempt = problems.Clone();
            var feed = isRss
                ? SyndicationRssMapper.Map(formatter.Feed, root, documentUrl, attempt)
                : SyndicationAtomMapper.Map(formatter.Feed, root, documentUrl, attempt);
            if (feed is null) return null;
            problems.ReplaceWith(attempt);
            return feed with { Problems = problems.ToList() };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null; // whatever the formatter (or mapping its result) trips on, the tree reader reads
        }
    }

    /// <summary>Never fails: an unreadable date becomes MinValue, which the mappers treat as absent and report from the raw text.</summary>
    private static bool TolerantDate(XmlDateTimeData data, out DateTimeOffset value)
    {
        if (!FeedDates.TryParse(data.DateTimeString, out value)) value = DateTimeOffset.MinValue;
        return true;
    }

    /// <summary>Never fails: a URL .NET cannot represent becomes an empty relative URI, which the mappers drop and report.</summary>
    private static bool TolerantUri(XmlUriData data, out Uri uri)
    {
        var text = data.UriString?.Trim() ?? "";
        if (!Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out var parsed)) parsed = new Uri("", UriKind.Relative);
        uri = parsed;
        return true;
    }

    /// <summary>
    /// Each item the formatter read with the XML element it came from; null when the counts differ and they cannot be
    /// paired (the mapper then gives up and the tree reader reads the feed).
    /// </summary>
    internal static List<(SyndicationItem Item, XElement Element)>? Paired(SyndicationFeed feed, IEnumerable<XElement> elements)
    {
        var items = feed.Items.ToList();
        var elementList = elements.ToList();
        return items.Count == elementList.Count ? [.. items.Zip(elementList)] : null;
    }

    /// <summary>A date the hook read, or null when absent or unreadable (MinValue).</summary>
    internal static DateTimeOffset? Date(DateTimeOffset value) => value == DateTimeOffset.MinValue || value == default ? null : value.ToUniversalTime();

    /// <summary>The text of a syndication text construct the way <see cref="AtomText"/> would give it.</summary>
    internal static string? Text(TextSyndicationContent? content) => ElementText.NullIfEmpty(content?.Text);
}
