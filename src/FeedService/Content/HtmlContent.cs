using Ganss.Xss;

namespace FeedService.Content;

/// <summary>
/// Prepares HTML for a feed or a page, for local and aggregated posts alike: HtmlSanitizer's allow-list
/// (no script, style, iframe, object, forms, event handlers, javascript: URLs; data: URLs only as images),
/// and every relative URL made absolute against the post's base, since a feed has no page to resolve against.
/// </summary>
public sealed class HtmlContent
{
    private static readonly string[] FormTags = ["form", "input", "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend"];
    private readonly HtmlSanitizer _sanitizer;

    public HtmlContent()
    {
        _sanitizer = new HtmlSanitizer();
        _sanitizer.AllowedAttributes.Remove("style");
        foreach (var tag in FormTags) _sanitizer.AllowedTags.Remove(tag);
        _sanitizer.AllowedSchemes.Add("data");
        _sanitizer.FilterUrl += (_, e) =>
        {
            // data: is allowed only for inline raster images; an SVG or HTML data URL can carry script.
            var url = e.OriginalUrl.TrimStart();
            if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
                && !(e.Tag.NodeName == "IMG" && IsRasterImageDataUrl(url)))
            {
                e.SanitizedUrl = null;
            }
        };
    }

    /// <summary>Sanitized HTML with absolute URLs; <paramref name="baseUrl"/> is the post's link or the entry's xml:base.</summary>
    public string Prepare(string? html, string baseUrl)
    {
        if (string.IsNullOrWhiteSpace(html)) return "";
        return XmlText.Clean(_sanitizer.Sanitize(XmlText.Clean(html), baseUrl)).Trim();
    }

    private static bool IsRasterImageDataUrl(string url) =>
        url.StartsWith("data:image/png", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("data:image/jpeg", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("data:image/gif", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("data:image/webp", StringComparison.OrdinalIgnoreCase);
}
