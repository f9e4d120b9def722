using System.Buffers;
using System.Text;

namespace FeedService.Content;

/// <summary>
/// Minimal HTML escaping: only the characters that would change the meaning where the text goes, each as its usual
/// entity. Everything else stays as written (non-ASCII text, URLs, media types).
/// </summary>
public static class HtmlEscape
{
    private static readonly SearchValues<char> TextCharacters = SearchValues.Create("&<>");
    private static readonly SearchValues<char> AttributeCharacters = SearchValues.Create("&<>\"");
    private static readonly SearchValues<char> AnywhereCharacters = SearchValues.Create("&<>\"'");

    /// <summary>For text between tags.</summary>
    public static string Text(string text) => Escape(text, TextCharacters);

    /// <summary>For text and for attribute values in double quotes.</summary>
    public static string Attribute(string text) => Escape(text, AttributeCharacters);

    /// <summary>For text and for attribute values in either kind of quotes.</summary>
    public static string Anywhere(string text) => Escape(text, AnywhereCharacters);

    private static string Escape(string text, SearchValues<char> characters)
    {
        var first = text.AsSpan().IndexOfAny(characters);
        if (first < 0) return text;
        var output = new StringBuilder(text.Length + 16).Append(text, 0, first);
        foreach (var c in text.AsSpan(first))
        {
            if (!characters.Contains(c))
            {
                output.Append(c);
                continue;
            }
            // The sets above hold only these five characters: the last arm is the apostrophe.
            output.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", '"' => "&quot;", _ => "&#39;" });
        }
        return output.ToString();
    }
}
