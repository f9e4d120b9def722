using System.ServiceModel.Syndication;

namespace FeedService.Aggregation.Parsing;

/// <summary>Absolute URLs out of SyndicationLink, whose Uri may be relative to its BaseUri (xml:base) or to the document.</summary>
internal static class SyndicationLinks
{
    public static IEnumerable<SyndicationLink> WithRel(IEnumerable<SyndicationLink> links, string rel) =>
        links.Where(l => string.Equals(l.RelationshipType ?? "alternate", rel, StringComparison.OrdinalIgnoreCase)
            && l.Uri is not null && l.Uri.OriginalString.Trim().Length > 0);

    public static Uri BaseOf(SyndicationLink link, Uri documentUrl) =>
        link.BaseUri is null ? documentUrl
        : link.BaseUri.IsAbsoluteUri ? link.BaseUri
        : Uri.TryCreate(documentUrl, link.BaseUri, out var combined) ? combined : documentUrl;

    public static string? Href(SyndicationLink link, Uri documentUrl, Action<string> report, string what) =>
        FeedUrls.Resolve(link.Uri.OriginalString, BaseOf(link, documentUrl), report, what);

    public static void AddEnclosures(ItemBuilder b, IEnumerable<SyndicationLink> links, Uri documentUrl)
    {
        foreach (var link in WithRel(links, "enclosure"))
            b.AddEnclosure(link.Uri.OriginalString, BaseOf(link, documentUrl), link.MediaType,
                link.Length > 0 ? link.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    public static string? Person(SyndicationPerson person) => ElementText.NullIfEmpty(person.Name) ?? ElementText.NullIfEmpty(person.Email);
}
