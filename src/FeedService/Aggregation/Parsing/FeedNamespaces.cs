using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>Namespaces of the feed formats and of the extensions we read.</summary>
internal static class FeedNamespaces
{
    public static readonly XNamespace None = XNamespace.None;
    public static readonly XNamespace Atom10 = "http://www.w3.org/2005/Atom";
    public static readonly XNamespace Atom03 = "http://purl.org/atom/ns#";
    public static readonly XNamespace Rss10 = "http://purl.org/rss/1.0/";
    public static readonly XNamespace Rss090 = "http://my.netscape.com/rdf/simple/0.9/";

    /// <summary>RSS 0.90 was published under two hosts (my.netscape.com and channel.netscape.com).</summary>
    public static bool IsRss090(XNamespace ns) => ns.NamespaceName.EndsWith("netscape.com/rdf/simple/0.9/", StringComparison.Ordinal);
    public static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    public static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    public static readonly XNamespace DublinCore = "http://purl.org/dc/elements/1.1/";
    public static readonly XNamespace DcTerms = "http://purl.org/dc/terms/";
    public static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";

    /// <summary>
    /// What the usual prefixes mean, for documents that use a prefix without declaring it (the lenient reader's guess;
    /// a strict XML parser rejects such documents).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, XNamespace> WellKnownPrefixes = new Dictionary<string, XNamespace>
    {
        ["atom"] = Atom10,
        ["content"] = Content,
        ["dc"] = DublinCore,
        ["dcterms"] = DcTerms,
        ["rdf"] = Rdf,
        ["xhtml"] = Xhtml,
        ["media"] = "http://search.yahoo.com/mrss/",
        ["itunes"] = "http://www.itunes.com/dtds/podcast-1.0.dtd",
        ["slash"] = "http://purl.org/rss/1.0/modules/slash/",
        ["wfw"] = "http://wellformedweb.org/CommentAPI/",
        ["sy"] = "http://purl.org/rss/1.0/modules/syndication/",
    };
}
