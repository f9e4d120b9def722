using System.Text;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Turns the bytes of a feed or HTML page into text. The encoding comes from the BOM, else the HTTP charset, else the
/// document's own declaration (XML prolog or HTML meta). Declarations are often wrong, so bytes that are valid UTF-8 win over
/// a declared legacy charset (legacy text with non-ASCII bytes is practically never valid UTF-8), and bytes that are not valid
/// UTF-8 are never decoded as UTF-8 (that would replace every accented letter with U+FFFD).
/// </summary>
internal static partial class TextDecoding
{
    // Feeds in the wild still use windows-1252, ISO-8859-x, KOI8-R, Shift_JIS...: .NET only knows them once registered.
    private static readonly bool LegacyEncodingsRegistered = RegisterLegacyEncodings();

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static string DecodeXml(ReadOnlySpan<byte> body, string? contentType, ProblemLog problems) =>
        Decode(body, contentType, XmlPrologCharset(body), problems);

    public static string DecodeHtml(ReadOnlySpan<byte> body, string? contentType) =>
        Decode(body, contentType, HtmlMetaCharset(body), new ProblemLog());

    /// <summary>JSON is UTF-8 (RFC 8259) unless a BOM or the HTTP charset says otherwise.</summary>
    public static string DecodeJson(ReadOnlySpan<byte> body, string? contentType, ProblemLog problems) =>
        Decode(body, contentType, inDocumentCharset: null, problems);

    private static string Decode(ReadOnlySpan<byte> body, string? contentType, string? inDocumentCharset, ProblemLog problems)
    {
        _ = LegacyEncodingsRegistered;
        if (FromByteOrderMark(body) is ({ } bomEncoding, var bomLength))
            return bomEncoding.GetString(body[bomLength..]);
        if (Utf16WithoutBom(body) is { } utf16)
            return utf16.GetString(body);

        var httpCharset = CharsetParameter(contentType);
        // The bytes are not UTF-16/32 (no BOM, no zero bytes around ASCII): such a declaration is simply wrong.
        var http = NotUnicode(Lookup(httpCharset));
        var inDocument = NotUnicode(Lookup(inDocumentCharset));
        var declared = http ?? inDocument;
        var declaredName = http is not null ? httpCharset : inDocumentCharset;

        var isUtf8 = Utf8.IsValid(body);
        if (declared is null || declared.CodePage == Encoding.UTF8.CodePage)
        {
            if (isUtf8) return StrictUtf8.GetString(body);
            // Misdeclared or undeclared legacy text: the in-document declaration may still be right when HTTP's was not.
            var fallback = inDocument is not null && inDocument.CodePage != Encoding.UTF8.CodePage ? inDocument : Windows1252;
            problems.Add(declared is null
                ? $"no charset declared and the bytes are not valid UTF-8; read as {fallback.WebName}"
                : $"declared charset '{declaredName}' but the bytes are not valid UTF-8; read as {fallback.WebName}");
            return fallback.GetString(body);
        }
        if (isUtf8 && !System.Text.Ascii.IsValid(body))
        {
            problems.Add($"declared charset '{declaredName}' but the bytes are valid UTF-8; read as utf-8");
            return StrictUtf8.GetString(body);
        }
        return declared.GetString(body);
    }

    private static Encoding Windows1252 => Encoding.GetEncoding(1252);

    private static Encoding? NotUnicode(Encoding? e) => e is UnicodeEncoding or UTF32Encoding ? null : e;

    private static (Encoding, int)? FromByteOrderMark(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return (Encoding.UTF8, 3);
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00])) return (new UTF32Encoding(bigEndian: false, byteOrderMark: false), 4);
        if (b.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF])) return (new UTF32Encoding(bigEndian: true, byteOrderMark: false), 4);
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return (Encoding.Unicode, 2);
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return (Encoding.BigEndianUnicode, 2);
        return null;
    }

    /// <summary>UTF-16 without a BOM still starts with '&lt;' or '{' next to a zero byte.</summary>
    private static Encoding? Utf16WithoutBom(ReadOnlySpan<byte> b)
    {
        if (b.Length < 4) return null;
        if (b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0) return Encoding.BigEndianUnicode;
        if (b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0) return Encoding.Unicode;
        return null;
    }

    /// <summary>An encoding .NET can decode, following the WHATWG rule that latin1 and ASCII labels mean windows-1252.</summary>
    internal static Encoding? Lookup(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var label = name.Trim().Trim('"', '\'').ToUpperInvariant();
        switch (label)
        {
            case "UTF-8" or "UTF8" or "UNICODE-1-1-UTF-8": return Encoding.UTF8;
            case "ISO-8859-1" or "ISO8859-1" or "ISO_8859-1" or "LATIN1" or "L1" or "CP819" or "US-ASCII" or "ASCII": return Windows1252;
        }
        try { return Encoding.GetEncoding(label); }
        catch (ArgumentException) { return null; }
    }

    internal static string? CharsetParameter(string? contentType)
    {
        if (contentType is null) return null;
        var match = ContentTypeCharset().Match(contentType);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string? XmlPrologCharset(ReadOnlySpan<byte> body)
    {
        var head = Encoding.Latin1.GetString(body[..Math.Min(body.Length, 1024)]);
        var match = XmlDeclarationEncoding().Match(head);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string? HtmlMetaCharset(ReadOnlySpan<byte> body)
    {
        var head = Encoding.Latin1.GetString(body[..Math.Min(body.Length, 4096)]);
        var match = HtmlMetaCharsetPattern().Match(head);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static bool RegisterLegacyEncodings()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    }

    [GeneratedRegex("""charset\s*=\s*["']?([^"';\s]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ContentTypeCharset();

    [GeneratedRegex("""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex XmlDeclarationEncoding();

    [GeneratedRegex("""<meta[^>]+?charset\s*=\s*["']?\s*([\w\-:.]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlMetaCharsetPattern();
}
