using System.Buffers;
using System.Globalization;
using System.Text;
using System.Xml;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Fixes, in one linear pass, the flaws that make an XML parser reject a whole feed although its content is fine:
/// HTML named entities (mapped to numeric references), bare ampersands (escaped), characters XML forbids (removed),
/// the DOCTYPE (removed: we never process DTDs, so entities it declares stay literal text, which also defuses XXE
/// and billion-laughs documents), a misplaced XML declaration and comments. CDATA sections are copied untouched.
/// </summary>
internal static class XmlTextRepair
{
    private const int MaxEntityNameLength = 32;
    private const int MaxUnknownEntitiesReported = 5;

    /// <summary>From the provider itself: the repair must not depend on someone having registered it first.</summary>
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    private static readonly HashSet<string> XmlEntities = ["amp", "lt", "gt", "quot", "apos"];
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> XmlEntitiesByName = XmlEntities.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Characters XML 1.0 does not allow on their own (surrogates are fine in pairs), found in bulk.</summary>
    private static readonly SearchValues<char> NotPlain = SearchValues.Create(NotPlainChars(markup: false));

    /// <summary>The same plus the two that start markup or a reference: everything else is kept as it is.</summary>
    private static readonly SearchValues<char> NotPlainOrMarkup = SearchValues.Create(NotPlainChars(markup: true));

    public static string Repair(string text, ProblemLog problems)
    {
        var state = new RepairState(text);
        var start = SkipPrologue(text);
        var i = start;
        while (i < text.Length)
        {
            // Ordinary characters (most of a feed) are stepped over in bulk; only '<', '&' and suspect characters are
            // looked at one by one, and text is copied only once something has to change.
            var run = text.AsSpan(i).IndexOfAny(NotPlainOrMarkup);
            if (run < 0) break;
            i += run;
            var c = text[i];
            if (c == '<') i = RepairMarkup(text, i, ref state);
            else if (c == '&') i = RepairReference(text, i, ref state);
            else i = RepairChar(text, i, ref state);
        }
        Report(state, problems);
        return state.Result(start);
    }

    private static char[] NotPlainChars(bool markup)
    {
        var chars = new List<char>();
        for (var c = 0; c <= char.MaxValue; c++)
            if (!XmlConvert.IsXmlChar((char)c) || (markup && c is '<' or '&')) chars.Add((char)c);
        return [.. chars];
    }

    /// <summary>Skips whitespace, BOMs and the XML declaration before the first element: text was already decoded.</summary>
    private static int SkipPrologue(string text)
    {
        var i = 0;
        while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == '\uFEFF')) i++;
        if (string.CompareOrdinal(text, i, "<?xml", 0, 5) == 0)
        {
            var end = text.IndexOf("?>", i, StringComparison.Ordinal);
            i = end < 0 ? text.Length : end + 2;
        }
        return i;
    }

    private static int RepairMarkup(string text, int i, ref RepairState state)
    {
        if (At(text, i, "<!--")) return state.Remove(i, SkipPast(text, i + 4, "-->"));
        if (At(text, i, "<?")) return state.Remove(i, SkipPast(text, i + 2, "?>"));
        if (At(text, i, "<![CDATA["))
        {
            var end = text.IndexOf("]]>", i + 9, StringComparison.Ordinal);
            var stop = end < 0 ? text.Length : end + 3;
            i += 9;
            while (i < stop)
            {
                var run = text.AsSpan(i, stop - i).IndexOfAny(NotPlain);
                if (run < 0) break;
                i = RepairChar(text, i + run, ref state);
            }
            return stop;
        }
        if (At(text, i, "<!DOCTYPE") || At(text, i, "<!doctype")) return state.Remove(i, SkipDoctype(text, i + 9));
        return i + 1;
    }

    /// <summary>Skips a DOCTYPE including an internal subset, whose declarations may contain '&gt;' inside quotes.</summary>
    private static int SkipDoctype(string text, int i)
    {
        var depth = 0;
        char quote = '\0';
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'') quote = c;
            else if (c == '[') depth++;
            else if (c == ']') depth--;
            else if (c == '>' && depth <= 0) return i + 1;
        }
        return text.Length;
    }

    private static int RepairReference(string text, int i, ref RepairState state)
    {
        var semicolon = text.IndexOf(';', i + 1, Math.Min(MaxEntityNameLength + 2, text.Length - i - 1));
        if (semicolon > i + 1)
        {
            var name = text.AsSpan(i + 1, semicolon - i - 1);
            if (name[0] == '#') return RepairNumericReference(name, i, semicolon, ref state) ?? state.Replace(i, i + 1, "&amp;");
            if (IsEntityName(name))
            {
                // The five XML entities (most references in escaped HTML) stay as they are.
                if (XmlEntitiesByName.Contains(name)) return semicolon + 1;
                var entity = name.ToString();
                if (HtmlEntities.Resolve(entity) is { } resolved)
                {
                    var references = new StringBuilder();
                    foreach (var rune in resolved.EnumerateRunes()) references.Append("&#").Append(rune.Value).Append(';');
                    return state.Replace(i, semicolon + 1, references.ToString());
                }
                state.UnknownEntities.Add(entity);
            }
        }
        return state.Replace(i, i + 1, "&amp;");
    }

    /// <summary>
    /// Keeps a valid numeric reference. References to C1 controls (&amp;#146;) mean windows-1252 characters, as browsers
    /// read them; references to characters XML forbids are dropped. Null: not a numeric reference at all.
    /// </summary>
    private static int? RepairNumericReference(ReadOnlySpan<char> name, int ampersand, int semicolon, ref RepairState state)
    {
        var hex = name.Length > 1 && (name[1] == 'x' || name[1] == 'X');
        var digits = name[(hex ? 2 : 1)..];
        if (!int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            return null;
        if (code is >= 0x80 and <= 0x9F)
        {
            code = Windows1252.GetString([(byte)code])[0];
            return state.Replace(ampersand, semicolon + 1, string.Create(CultureInfo.InvariantCulture, $"&#{code};"));
        }
        if (code > 0x10FFFF || !IsXmlChar(code))
        {
            state.InvalidCharacters++;
            return state.Remove(ampersand, semicolon + 1);
        }
        return semicolon + 1;
    }

    private static bool IsXmlChar(int code) =>
        code > 0xFFFF ? code <= 0x10FFFF : XmlConvert.IsXmlChar((char)code) && !char.IsSurrogate((char)code);

    private static bool IsEntityName(ReadOnlySpan<char> name)
    {
        if (!char.IsAsciiLetter(name[0])) return false;
        foreach (var c in name) if (!char.IsAsciiLetterOrDigit(c)) return false;
        return true;
    }

    /// <summary>A character XML does not allow on its own: kept if it is half of a surrogate pair, else removed.</summary>
    private static int RepairChar(string text, int i, ref RepairState state)
    {
        var c = text[i];
        if (XmlConvert.IsXmlChar(c)) return i + 1;
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) return i + 2;
        state.InvalidCharacters++;
        return state.Remove(i, i + 1);
    }

    private static bool At(string text, int i, string token) => string.CompareOrdinal(text, i, token, 0, token.Length) == 0;

    private static int SkipPast(string text, int from, string end)
    {
        var at = text.IndexOf(end, from, StringComparison.Ordinal);
        return at < 0 ? text.Length : at + end.Length;
    }

    private static void Report(RepairState state, ProblemLog problems)
    {
        if (state.InvalidCharacters > 0)
            problems.Add($"removed {state.InvalidCharacters} character(s) that XML does not allow");
        if (state.UnknownEntities.Count > 0)
        {
            var names = string.Join(", ", state.UnknownEntities.Take(MaxUnknownEntitiesReported).Select(n => $"&{n};"));
            problems.Add($"unknown entities kept as text: {names}");
        }
    }

    /// <summary>
    /// The repaired text, built only from the first change on: a document that needs no repair (most of them) is
    /// returned as it came, without copying it.
    /// </summary>
    private struct RepairState(string text)
    {
        private StringBuilder? _output;
        private int _copied;
        public int InvalidCharacters;
        public SortedSet<string> UnknownEntities = new(StringComparer.Ordinal);

        /// <summary>Puts <paramref name="replacement"/> in place of text[from..to] and returns where to go on.</summary>
        public int Replace(int from, int to, string replacement)
        {
            _output ??= new StringBuilder(text.Length + 64);
            _output.Append(text, _copied, from - _copied).Append(replacement);
            _copied = to;
            return to;
        }

        public int Remove(int from, int to) => Replace(from, to, "");

        /// <summary>The text from <paramref name="start"/> (past the prologue) with every change made.</summary>
        public readonly string Result(int start)
        {
            if (_output is null) return start == 0 ? text : text[start..];
            return _output.Append(text, _copied, text.Length - _copied).ToString(start, _output.Length - start);
        }
    }
}
