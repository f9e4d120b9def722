using System.Xml;
using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Reads RSS 0.90-2.0, RSS 1.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1 from the bytes of an HTTP response, tolerating the
/// flaws of real-world feeds. Never throws for a bad document: it returns what it could read (with Problems) or an Error.
/// </summary>
public static class FeedParser
{
    public static ParseResult Parse(byte[] body, string? contentType, Uri documentUrl)
    {
        ArgumentNullException.ThrowIfNull(documentUrl);
        if (!documentUrl.IsAbsoluteUri) throw new ArgumentException("The document URL must be absolute.", nameof(documentUrl));
        if (body is null || body.Length == 0) return ParseResult.Failed("empty document");
        try
        {
            var problems = new ProblemLog();
            return DocumentSniffer.StartsLikeJson(body)
                ? JsonFeedReader.Read(TextDecoding.DecodeJson(body, contentType, problems), documentUrl, problems)
                : ParseXml(body, contentType, documentUrl, problems);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ParseResult.Failed($"unreadable document: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    private static ParseResult ParseXml(byte[] body, string? contentType, Uri documentUrl, ProblemLog problems)
    {
        if (DocumentSniffer.StartsLikeHtml(body)) return ParseResult.Failed("document is an HTML page, not a feed");
        var text = XmlTextRepair.Repair(TextDecoding.DecodeXml(body, contentType, problems), problems);
        if (string.IsNullOrWhiteSpace(text)) return ParseResult.Failed("empty document");
        var (document, wellFormed) = LoadXml(text, problems);
        var (format, error) = XmlFormatDetector.Detect(document.Root);
        if (format is null) return ParseResult.Failed(error!);
        if (wellFormed && SyndicationReader.TryRead(document, format, documentUrl, problems) is { } viaSyndication)
            return new ParseResult(viaSyndication, null);
        return new ParseResult(ReadTree(document, format, documentUrl, problems), null);
    }

    /// <summary>
    /// For tests: both readings of an RSS 2.0 / Atom 1.0 document (System.ServiceModel.Syndication and the tree reader),
    /// so that their agreement can be checked. Syndication is null where it refuses the document.
    /// </summary>
    internal static (ParsedFeed? Syndication, ParsedFeed Tree)? ReadBothWays(byte[] body, string? contentType, Uri documentUrl)
    {
        if (DocumentSniffer.StartsLikeJson(body) || DocumentSniffer.StartsLikeHtml(body)) return null;
        var problems = new ProblemLog();
        var text = XmlTextRepair.Repair(TextDecoding.DecodeXml(body, contentType, problems), problems);
        XDocument document;
        try { document = SafeXml.Load(text); }
        catch (XmlException) { return null; }
        if (XmlFormatDetector.Detect(document.Root).Format is not { } format) return null;
        return (SyndicationReader.TryRead(document, format, documentUrl, problems.Clone()), ReadTree(document, format, documentUrl, problems.Clone()));
    }

    /// <summary>The reader for any XML format, used when System.ServiceModel.Syndication cannot read the document.</summary>
    internal static ParsedFeed ReadTree(XDocument document, string format, Uri documentUrl, ProblemLog problems) =>
        format.StartsWith("atom", StringComparison.Ordinal)
            ? AtomReader.Read(document, format, documentUrl, problems)
            : RssReader.Read(document, format, documentUrl, problems);

    private static (XDocument Document, bool WellFormed) LoadXml(string text, ProblemLog problems)
    {
        try
        {
            return (SafeXml.Load(text), true);
        }
        catch (XmlException e)
        {
            problems.Add($"not well-formed XML (line {e.LineNumber}, position {e.LinePosition}); read leniently");
            return (LenientXml.Parse(text), false);
        }
    }
}
