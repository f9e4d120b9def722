using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Builds a tree from XML that is not well-formed: unclosed or mismatched tags, truncated documents, undeclared prefixes,
/// unquoted attributes. An end tag closes its nearest open namesake (unmatched ones are ignored) and whatever is open at
/// the end is closed, so every item that is present in the text ends up in the tree. Expects text already passed through
/// <see cref="XmlTextRepair"/> (no DOCTYPE, only XML entities). Linear in the size of the text.
/// </summary>
internal static class LenientXml
{
    public static XDocument Parse(string text)
    {
        var builder = new TreeBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '<') { i = ReadText(text, i, builder); continue; }
            if (At(text, i, "<![CDATA["))
            {
                var end = text.IndexOf("]]>", i + 9, StringComparison.Ordinal);
                builder.AddNode(new XCData(end < 0 ? text[(i + 9)..] : text[(i + 9)..end]));
                i = end < 0 ? text.Length : end + 3;
            }
            else if (At(text, i, "<!--")) i = SkipPast(text, i + 4, "-->");
            else if (At(text, i, "<?") || At(text, i, "<!")) i = SkipPast(text, i + 2, ">");
            else if (At(text, i, "</")) i = ReadEndTag(text, i + 2, builder);
            else if (i + 1 < text.Length && IsNameStart(text[i + 1])) i = ReadStartTag(text, i + 1, builder);
            else { builder.AddText("<"); i++; }
        }
        return builder.Document;
    }

    private static int ReadText(string text, int i, TreeBuilder builder)
    {
        var end = text.IndexOf('<', i);
        if (end < 0) end = text.Length;
        builder.AddText(DecodeEntities(text.AsSpan(i, end - i)));
        return end;
    }

    private static int ReadEndTag(string text, int i, TreeBuilder builder)
    {
        var nameEnd = ScanName(text, i);
        var name = text[i..nameEnd];
        var close = text.IndexOf('>', nameEnd);
        builder.Close(name);
        return close < 0 ? text.Length : close + 1;
    }

    private static int ReadStartTag(string text, int i, TreeBuilder builder)
    {
        var nameEnd = ScanName(text, i);
        var name = text[i..nameEnd];
        var attributes = new List<KeyValuePair<string, string>>();
        i = nameEnd;
        var selfClosing = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '>') { i++; break; }
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '>') { selfClosing = true; i += 2; break; }
            if (c == '<') break; // an unterminated tag: the next tag starts here
            if (!IsNameStart(c)) { i++; continue; }
            var attributeEnd = ScanName(text, i);
            var attributeName = text[i..attributeEnd];
            i = SkipWhitespace(text, attributeEnd);
            var value = "";
            if (i < text.Length && text[i] == '=') i = ReadAttributeValue(text, SkipWhitespace(text, i + 1), out value);
            attributes.Add(new(attributeName, value));
        }
        builder.Open(name, attributes, selfClosing);
        return i;
    }

    private static int ReadAttributeValue(string text, int i, out string value)
    {
        if (i < text.Length && text[i] is '"' or '\'')
        {
            var quote = text[i];
            var end = text.IndexOf(quote, i + 1);
            if (end < 0) end = text.Length;
            value = DecodeEntities(text.AsSpan(i + 1, end - i - 1));
            return Math.Min(end + 1, text.Length);
        }
        var start = i;
        while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '>' && text[i] != '<') i++;
        value = DecodeEntities(text.AsSpan(start, i - start));
        return i;
    }

    /// <summary>Decodes the five XML entities and numeric references (the only ones left after repair).</summary>
    internal static string DecodeEntities(ReadOnlySpan<char> raw)
    {
        if (raw.IndexOf('&') < 0) return raw.ToString();
        var output = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var semicolon = raw[i] == '&' ? raw[i..].IndexOf(';') : -1;
            if (semicolon > 1 && semicolon < 12 && Decode(raw.Slice(i + 1, semicolon - 1)) is { } decoded)
            {
                output.Append(decoded);
                i += semicolon;
            }
            else output.Append(raw[i]);
        }
        return output.ToString();
    }

    private static string? Decode(ReadOnlySpan<char> name)
    {
        switch (name)
        {
            case "amp": return "&";
            case "lt": return "<";
            case "gt": return ">";
            case "quot": return "\"";
            case "apos": return "'";
        }
        if (name[0] != '#') return null;
        var hex = name.Length > 1 && name[1] is 'x' or 'X';
        return int.TryParse(name[(hex ? 2 : 1)..], hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            && code is > 0 and <= 0x10FFFF && !(code is >= 0xD800 and <= 0xDFFF)
            ? char.ConvertFromUtf32(code)
            : null;
    }

    private static bool IsNameStart(char c) => char.IsLetter(c) || c is '_' or ':';

    private static int ScanName(string text, int i)
    {
        while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or ':' or '-' or '.')) i++;
        return i;
    }

    private static int SkipWhitespace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i;
    }

    private static bool At(string text, int i, string token) => string.CompareOrdinal(text, i, token, 0, token.Length) == 0;

    private static int SkipPast(string text, int from, string end)
    {
        var at = text.IndexOf(end, from, StringComparison.Ordinal);
        return at < 0 ? text.Length : at + end.Length;
    }

    /// <summary>The open elements, with the namespace prefixes each one declares.</summary>
    private sealed class TreeBuilder
    {
        private readonly List<(string Name, XElement Element, Dictionary<string, XNamespace> Prefixes)> open = [];

        public XDocument Document { get; } = new();

        public void AddText(string text)
        {
            if (open.Count > 0 && text.Length > 0) open[^1].Element.Add(new XText(text));
        }

        public void AddNode(XNode node)
        {
            if (open.Count > 0) open[^1].Element.Add(node);
        }

        public void Open(string name, List<KeyValuePair<string, string>> attributes, bool selfClosing)
        {
            // Deeper nesting is flattened into the deepest element, as SafeXml does for a well-formed document.
            if (open.Count >= SafeXml.MaxDepth) return;
            var prefixes = new Dictionary<string, XNamespace>(StringComparer.Ordinal);
            foreach (var (attributeName, value) in attributes)
            {
                if (attributeName == "xmlns") prefixes[""] = value;
                else if (attributeName.StartsWith("xmlns:", StringComparison.Ordinal)) prefixes[attributeName[6..]] = value;
            }
            open.Add((name, new XElement("placeholder"), prefixes));
            XElement element;
            try
            {
                element = new XElement(Resolve(name, isAttribute: false));
                foreach (var (attributeName, value) in attributes.Take(SafeXml.MaxAttributes))
                {
                    if (attributeName == "xmlns" || attributeName.StartsWith("xmlns:", StringComparison.Ordinal)) continue;
                    var attributeXName = Resolve(attributeName, isAttribute: true);
                    if (element.Attribute(attributeXName) is null) element.SetAttributeValue(attributeXName, value);
                }
            }
            catch (Exception e) when (e is XmlException or ArgumentException)
            {
                open.RemoveAt(open.Count - 1);
                return; // a name XML cannot represent: drop the tag, keep its text
            }
            open[^1] = (name, element, prefixes);
            if (open.Count > 1) open[^2].Element.Add(element);
            else if (Document.Root is null) Document.Add(element);
            else Document.Root.Add(element); // a second root: keep its content rather than lose it
            if (selfClosing) open.RemoveAt(open.Count - 1);
        }

        public void Close(string name)
        {
            for (var depth = open.Count - 1; depth >= 0; depth--)
            {
                if (open[depth].Name != name) continue;
                open.RemoveRange(depth, open.Count - depth);
                return;
            }
        }

        private XName Resolve(string qualifiedName, bool isAttribute)
        {
            var colon = qualifiedName.IndexOf(':', StringComparison.Ordinal);
            var prefix = colon < 0 ? "" : qualifiedName[..colon];
            var local = colon < 0 ? qualifiedName : qualifiedName[(colon + 1)..];
            if (prefix == "xml") return XNamespace.Xml + local;
            if (isAttribute && prefix.Length == 0) return XName.Get(local);
            return LookupPrefix(prefix) + local;
        }

        private XNamespace LookupPrefix(string prefix)
        {
            for (var depth = open.Count - 1; depth >= 0; depth--)
                if (open[depth].Prefixes.TryGetValue(prefix, out var ns)) return ns;
            if (prefix.Length == 0) return XNamespace.None;
            return FeedNamespaces.WellKnownPrefixes.TryGetValue(prefix, out var known) ? known : XNamespace.Get("urn:undeclared-prefix:" + prefix);
        }
    }
}
