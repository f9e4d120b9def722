using System.Globalization;
using System.Runtime.CompilerServices;
using FeedService.Content;

namespace FeedService.Serving.Pages;

/// <summary>HTML that is safe to emit as it is: built by <see cref="Html.Of"/>, or sanitized post HTML.</summary>
public readonly record struct Markup(string Value)
{
    public static readonly Markup Empty = new("");

    public override string ToString() => Value;
}

/// <summary>
/// Builds HTML the way Razor does, escaping by default: <c>Html.Of($"&lt;h1&gt;{title}&lt;/h1&gt;")</c> encodes every
/// string hole, and only a <see cref="Markup"/> hole goes in as it is. Holes of other types do not compile, so a
/// value cannot reach the page unescaped by accident.
/// </summary>
public static class Html
{
    /// <summary>A line break between elements (a string hole would be escaped, and \n is not worth escaping).</summary>
    public static readonly Markup NewLine = new("\n");

    public static Markup Of([InterpolatedStringHandlerArgument] ref HtmlHandler html) => new(html.ToStringAndClear());

    /// <summary>
    /// Escapes &amp; &lt; &gt; " and ' (enough for text and for quoted attribute values) and nothing else, so URLs and
    /// media types stay as written: feed autodiscovery code that looks for type="application/rss+xml" finds it.
    /// </summary>
    public static string Encode(string? text) => HtmlEscape.Anywhere(text ?? "");

    public static Markup Join(IEnumerable<Markup> parts) => new(string.Concat(parts.Select(p => p.Value)));

    /// <summary>
    /// A post's HTML as stored, which went through <see cref="Content.HtmlContent.Prepare"/> when it came in (the authoring
    /// API, ingest): the one way HTML from outside reaches a page.
    /// </summary>
    public static Markup Sanitized(string preparedHtml) => new(preparedHtml);

    /// <summary>http(s) URLs only: anything else (javascript:, data:, relative junk) is never put in an href.</summary>
    public static bool IsWebUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}

[InterpolatedStringHandler]
public ref struct HtmlHandler
{
    private DefaultInterpolatedStringHandler _inner;

    public HtmlHandler(int literalLength, int formattedCount) => _inner = new DefaultInterpolatedStringHandler(literalLength, formattedCount);

    public void AppendLiteral(string literal) => _inner.AppendLiteral(literal);

    public void AppendFormatted(string? text) => _inner.AppendLiteral(Html.Encode(text));

    public void AppendFormatted(Markup html) => _inner.AppendLiteral(html.Value);

    public void AppendFormatted(IEnumerable<Markup> parts)
    {
        foreach (var part in parts) _inner.AppendLiteral(part.Value);
    }

    public void AppendFormatted(long number) => _inner.AppendLiteral(number.ToString(CultureInfo.InvariantCulture));

    public string ToStringAndClear() => _inner.ToStringAndClear();
}
