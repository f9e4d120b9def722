namespace FeedService.Aggregation.Parsing;

/// <summary>
/// The HTML5 named character references (&amp;nbsp;, &amp;eacute;, &amp;hellip; ...). Feeds use them freely although XML
/// only knows five, and one such entity makes an XML parser reject the whole document.
/// AngleSharp (already here through HtmlSanitizer) carries the full WHATWG table.
/// </summary>
internal static class HtmlEntities
{
    /// <summary>The characters of <c>&amp;name;</c>, or null when HTML has no entity of that name.</summary>
    public static string? Resolve(string name) =>
        AngleSharp.Html.HtmlEntityProvider.Resolver.GetSymbol(name + ";");
}
