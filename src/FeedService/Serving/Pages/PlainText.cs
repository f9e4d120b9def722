using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace FeedService.Serving.Pages;

/// <summary>Plain-text excerpts of post HTML, for archive pages and widgets (which never render post HTML).</summary>
public static class PlainText
{
    private static readonly HashSet<string> BlockTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    };

    /// <summary>
    /// The text of already sanitized HTML (so no script or style text can leak in), whitespace collapsed, blocks
    /// separated by a space, cut at a word boundary to at most <paramref name="maxLength"/> characters plus "…".
    /// </summary>
    public static string Excerpt(string sanitizedHtml, int maxLength)
    {
        var text = TextOf(sanitizedHtml);
        if (text.Length <= maxLength) return text;
        var cut = text.LastIndexOf(' ', maxLength);
        return text[..(cut > maxLength / 2 ? cut : maxLength)].TrimEnd(' ', ',', ';', ':', '.', '–', '—') + "…";
    }

    public static string TextOf(string sanitizedHtml)
    {
        if (string.IsNullOrWhiteSpace(sanitizedHtml)) return "";
        var document = new HtmlParser().ParseDocument($"<body>{sanitizedHtml}</body>");
        var text = new StringBuilder();
        Append(document.Body!, text);
        return Collapse(text.ToString());
    }

    private static void Append(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText t) text.Append(t.Data);
            else if (child is IElement e)
            {
                var block = BlockTags.Contains(e.LocalName);
                if (block) text.Append(' ');
                Append(e, text);
                if (block) text.Append(' ');
            }
        }
    }

    private static string Collapse(string text)
    {
        var result = new StringBuilder(text.Length);
        var space = false;
        foreach (var ch in text)
        {
            if (char.IsWhiteSpace(ch)) space = result.Length > 0;
            else
            {
                if (space) result.Append(' ');
                space = false;
                result.Append(ch);
            }
        }
        return result.ToString();
    }
}
