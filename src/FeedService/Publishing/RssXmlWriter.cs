using System.Xml;

namespace FeedService.Publishing;

/// <summary>
/// The XmlWriter handed to Rss20FeedFormatter. The formatter declares the Atom namespace as "a10"
/// (the W3C validator warns about that prefix) and writes RFC 822 dates ending in "Z"; this writer
/// renames the prefix to "atom", writes the zone as "+0000", declares the content: and dc: prefixes
/// on the root, and passes everything else through.
/// </summary>
internal sealed class RssXmlWriter(XmlWriter inner, bool declareHistory = false) : XmlWriter
{
    private const string FormatterPrefix = "a10";
    private const string StandardPrefix = "atom";
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";
    private readonly Stack<string> _elements = new();
    private bool _inAtomDeclaration;

    public override WriteState WriteState => inner.WriteState;

    public override void WriteStartElement(string? prefix, string localName, string? ns)
    {
        _elements.Push(localName);
        inner.WriteStartElement(prefix == FormatterPrefix ? StandardPrefix : prefix, localName, ns);
        if (_elements.Count == 1)
        {
            inner.WriteAttributeString("xmlns", "content", XmlnsNamespace, FeedWriters.ContentNs);
            inner.WriteAttributeString("xmlns", "dc", XmlnsNamespace, FeedWriters.DcNs);
            if (declareHistory) inner.WriteAttributeString("xmlns", "fh", XmlnsNamespace, FeedWriters.HistoryNs);
        }
    }

    public override void WriteEndElement() { _elements.TryPop(out _); inner.WriteEndElement(); }

    public override void WriteFullEndElement() { _elements.TryPop(out _); inner.WriteFullEndElement(); }

    public override void WriteStartAttribute(string? prefix, string localName, string? ns)
    {
        if ((prefix == "xmlns" || ns == XmlnsNamespace) && localName == FormatterPrefix)
        {
            _inAtomDeclaration = true;
            localName = StandardPrefix;
        }
        inner.WriteStartAttribute(prefix == FormatterPrefix ? StandardPrefix : prefix, localName, ns);
    }

    public override void WriteEndAttribute() { _inAtomDeclaration = false; inner.WriteEndAttribute(); }

    public override void WriteString(string? text)
    {
        if (!_inAtomDeclaration && text is not null && text.EndsWith(" Z", StringComparison.Ordinal)
            && _elements.TryPeek(out var element) && element is "pubDate" or "lastBuildDate")
        {
            text = string.Concat(text.AsSpan(0, text.Length - 1), "+0000");
        }
        inner.WriteString(text);
    }

    public override string? LookupPrefix(string ns)
    {
        var prefix = inner.LookupPrefix(ns);
        return prefix == FormatterPrefix ? StandardPrefix : prefix;
    }

    public override void WriteStartDocument() => inner.WriteStartDocument();
    public override void WriteStartDocument(bool standalone) => inner.WriteStartDocument(standalone);
    public override void WriteEndDocument() => inner.WriteEndDocument();
    public override void WriteDocType(string name, string? pubid, string? sysid, string? subset) => inner.WriteDocType(name, pubid, sysid, subset);
    public override void WriteCData(string? text) => inner.WriteCData(text);
    public override void WriteComment(string? text) => inner.WriteComment(text);
    public override void WriteProcessingInstruction(string name, string? text) => inner.WriteProcessingInstruction(name, text);
    public override void WriteEntityRef(string name) => inner.WriteEntityRef(name);
    public override void WriteCharEntity(char ch) => inner.WriteCharEntity(ch);
    public override void WriteWhitespace(string? ws) => inner.WriteWhitespace(ws);
    public override void WriteSurrogateCharEntity(char lowChar, char highChar) => inner.WriteSurrogateCharEntity(lowChar, highChar);
    public override void WriteChars(char[] buffer, int index, int count) => WriteString(new string(buffer, index, count));
    public override void WriteRaw(char[] buffer, int index, int count) => inner.WriteRaw(buffer, index, count);
    public override void WriteRaw(string data) => inner.WriteRaw(data);
    public override void WriteBase64(byte[] buffer, int index, int count) => inner.WriteBase64(buffer, index, count);
    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
