using Ganss.Xss;

namespace FeedService.Publishing;

/// <summary>
/// Prepares HTML for a feed: an allow-list sanitizer (feeds end up embedded in other sites) that also
/// makes every relative URL absolute against the post's link, since a feed has no page to resolve against.
/// </summary>
public sealed class HtmlContent
{
    private readonly HtmlSanitizer _sanitizer = new();

    public string Prepare(string? html, string baseUrl)
    {
        if (string.IsNullOrWhiteSpace(html)) return "";
        return XmlText.Clean(_sanitizer.Sanitize(XmlText.Clean(html), baseUrl));
    }
}
