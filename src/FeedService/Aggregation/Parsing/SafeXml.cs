using System.Xml;
using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// The only way feed XML is parsed: DTDs are never processed and nothing outside the document is ever fetched,
/// so external entities (XXE) and entity expansion (billion laughs) cannot happen even if a DOCTYPE slipped through.
/// </summary>
internal static class SafeXml
{
    public static XmlReaderSettings ReaderSettings() => new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CheckCharacters = true,
        CloseInput = true,
    };

    /// <summary>Parses well-formed XML, or throws <see cref="XmlException"/>.</summary>
    public static XDocument Load(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), ReaderSettings());
        return XDocument.Load(reader, LoadOptions.None);
    }
}
