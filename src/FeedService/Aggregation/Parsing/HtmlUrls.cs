using System.Net;
using System.Text.RegularExpressions;
using FeedService.Content;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Resolves relative href/src attributes inside an HTML string. Used only where a field carries its own xml:base that
/// differs from <see cref="ParsedItem.BaseUrl"/> (so a consumer resolving against BaseUrl would get it wrong), and for
/// titles, which have no base of their own.
/// </summary>
internal static partial class HtmlUrls
{
    public static string Resolve(string html, Uri baseUri)
    {
        if (!html.Contains('<', StringComparison.Ordinal)) return html;
        try
        {
            return Rewrite(html, baseUri);
        }
        catch (RegexMatchTimeoutException)
        {
            return html; // pathological markup: left for the consumer, who resolves against BaseUrl
        }
    }

    private static string Rewrite(string html, Uri baseUri) =>
        UrlAttribute().Replace(html, match =>
        {
            var value = match.Groups["value"].Value;
            if (!FeedUrls.TryResolve(WebUtility.HtmlDecode(value), baseUri, out var absolute)) return match.Value;
            var quote = match.Groups["quote"].Value;
            return $"{match.Groups["name"].Value}={quote}{HtmlEscape.Attribute(absolute.AbsoluteUri)}{quote}";
        });

    [GeneratedRegex("""(?<=<[a-zA-Z][^<>]*\s)(?<name>href|src)\s*=\s*(?<quote>["'])(?<value>[^"'<>]*)\k<quote>""", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 200)]
    private static partial Regex UrlAttribute();
}
