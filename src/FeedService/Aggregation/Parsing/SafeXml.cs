using System.Xml;
using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// The only way feed XML is parsed: DTDs are never processed and nothing outside the document is ever fetched,
/// so external entities (XXE) and entity expansion (billion laughs) cannot happen even if a DOCTYPE slipped through.
/// </summary>
internal static class SafeXml
{
    /// <summary>
    /// Elements nested deeper are flattened into their deepest kept ancestor (their text is kept). Adding a node to an
    /// XElement costs its depth, so a hostile 50,000-deep document would otherwise take seconds; no feed nests this deep.
    /// </summary>
    internal const int MaxDepth = 256;

    /// <summary>
    /// Attributes kept per element; the rest are dropped. Adding an attribute to an XElement checks the ones it has, so a
    /// hostile element with 100,000 attributes would otherwise take minutes; no feed element has more than a handful.
    /// </summary>
    internal const int MaxAttributes = 256;

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

    /// <summary>Parses well-formed XML into a tree (whitespace kept, depth capped), or throws <see cref="XmlException"/>.</summary>
    public static XDocument Load(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), ReaderSettings());
        var document = new XDocument();
        XContainer current = document;
        var depth = 0;
        var skipped = 0;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (depth >= MaxDepth)
                    {
                        if (!reader.IsEmptyElement) skipped++;
                        break;
                    }
                    var element = ReadElement(reader);
                    current.Add(element);
                    if (!reader.IsEmptyElement) { current = element; depth++; }
                    break;
                case XmlNodeType.EndElement:
                    if (skipped > 0) { skipped--; break; }
                    current = current.Parent ?? (XContainer)document;
                    depth--;
                    break;
                case XmlNodeType.CDATA:
                    if (current is XElement) current.Add(new XCData(reader.Value));
                    break;
                case XmlNodeType.Text or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    if (current is XElement) current.Add(new XText(reader.Value));
                    break;
            }
        }
        return document;
    }

    private static XElement ReadElement(XmlReader reader)
    {
        var element = new XElement(XNamespace.Get(reader.NamespaceURI) + reader.LocalName);
        if (!reader.MoveToFirstAttribute()) return element;
        var kept = 0;
        do
        {
            if (++kept > MaxAttributes) break;
            var name = reader.NamespaceURI == XNamespace.Xmlns.NamespaceName
                ? reader.Prefix.Length == 0 ? XName.Get("xmlns") : XNamespace.Xmlns + reader.LocalName
                : XNamespace.Get(reader.NamespaceURI) + reader.LocalName;
            element.Add(new XAttribute(name, reader.Value));
        }
        while (reader.MoveToNextAttribute());
        reader.MoveToElement();
        return element;
    }
}
