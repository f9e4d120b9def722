using System.Xml;
using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Reads a tree built by <see cref="SafeXml.Load"/> as an <see cref="XmlReader"/>, the way a reader of its text would:
/// so System.ServiceModel.Syndication can read the document from the tree we already have instead of parsing the text
/// a second time. XNodeReader alone reports whitespace between elements as Text (SafeXml keeps it as XText, because in
/// mixed content it matters), which makes the formatters' MoveToContent stop on it; this reports whitespace-only text
/// as Whitespace, as XmlTextReader does, and passes everything else through.
/// </summary>
internal sealed class TreeXmlReader(XDocument document) : XmlReader
{
    private readonly XmlReader _inner = document.CreateReader();

    public static XmlReader Over(XDocument document) => new TreeXmlReader(document);

    public override XmlNodeType NodeType
    {
        get
        {
            var type = _inner.NodeType;
            return type == XmlNodeType.Text && IsWhitespace(_inner.Value) ? XmlNodeType.Whitespace : type;
        }
    }

    private static bool IsWhitespace(string text)
    {
        // XML's own whitespace: space, tab, CR, LF (not every char.IsWhiteSpace).
        foreach (var c in text)
            if (c is not (' ' or '\t' or '\r' or '\n')) return false;
        return text.Length > 0;
    }

    public override string LocalName => _inner.LocalName;
    public override string NamespaceURI => _inner.NamespaceURI;
    public override string Prefix => _inner.Prefix;
    public override string Value => _inner.Value;
    public override int Depth => _inner.Depth;
    public override string BaseURI => _inner.BaseURI;
    public override bool IsEmptyElement => _inner.IsEmptyElement;
    public override int AttributeCount => _inner.AttributeCount;
    public override bool EOF => _inner.EOF;
    public override ReadState ReadState => _inner.ReadState;
    public override XmlNameTable NameTable => _inner.NameTable;
    public override string XmlLang => _inner.XmlLang;
    public override XmlSpace XmlSpace => _inner.XmlSpace;
    public override bool HasValue => _inner.HasValue;
    public override string Name => _inner.Name;
    public override string GetAttribute(string name) => _inner.GetAttribute(name)!;
    public override string? GetAttribute(string name, string? namespaceURI) => _inner.GetAttribute(name, namespaceURI);
    public override string GetAttribute(int i) => _inner.GetAttribute(i);
    public override string? LookupNamespace(string prefix) => _inner.LookupNamespace(prefix);
    public override bool MoveToAttribute(string name) => _inner.MoveToAttribute(name);
    public override bool MoveToAttribute(string name, string? ns) => _inner.MoveToAttribute(name, ns);
    public override void MoveToAttribute(int i) => _inner.MoveToAttribute(i);
    public override bool MoveToElement() => _inner.MoveToElement();
    public override bool MoveToFirstAttribute() => _inner.MoveToFirstAttribute();
    public override bool MoveToNextAttribute() => _inner.MoveToNextAttribute();
    public override bool Read() => _inner.Read();
    public override bool ReadAttributeValue() => _inner.ReadAttributeValue();
    public override void ResolveEntity() => _inner.ResolveEntity();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
