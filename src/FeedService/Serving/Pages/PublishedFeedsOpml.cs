using System.Text;
using System.Xml;
using System.Xml.Linq;
using FeedService.Categories;
using FeedService.Site;

namespace FeedService.Serving.Pages;

/// <summary>
/// OPML 2.0 of every feed we publish (<c>all</c> and each category, each as RSS, Atom and JSON Feed), so a reader
/// subscribes to all of them in one import. Nothing in it depends on the time of rendering: the same categories
/// always give the same bytes, and so the same ETag.
/// </summary>
public static class PublishedFeedsOpml
{
    public static byte[] Write(SiteOptions site, IReadOnlyList<Category> categories)
    {
        var feeds = new List<(FeedLink Link, string HtmlUrl, string Description)>();
        feeds.AddRange(FeedLinks.OfAll(site).Select(f => (f, site.Url(""), site.Description)));
        foreach (var c in categories)
        {
            var description = string.IsNullOrWhiteSpace(c.Description) ? $"Posts in {c.Name}" : c.Description;
            feeds.AddRange(FeedLinks.OfCategory(site, c.Slug, c.Name).Select(f => (f, site.Url($"categories/{c.Slug}"), description)));
        }

        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("opml", new XAttribute("version", "2.0"),
                new XElement("head",
                    new XElement("title", Clean($"{site.Title}: every feed")),
                    new XElement("docs", "https://opml.org/spec2.opml")),
                new XElement("body", feeds.Select(f => new XElement("outline",
                    new XAttribute("type", "rss"),
                    new XAttribute("text", Clean(f.Link.Title)),
                    new XAttribute("title", Clean(f.Link.Title)),
                    new XAttribute("description", Clean(f.Description)),
                    new XAttribute("xmlUrl", f.Link.Url),
                    new XAttribute("htmlUrl", f.HtmlUrl),
                    new XAttribute("language", site.Language),
                    f.Link.Format == "RSS" ? new XAttribute("version", "RSS2") : null)))));
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            doc.Save(writer);
        }
        return stream.ToArray();
    }

    /// <summary>Names and descriptions are free text; characters XML 1.0 forbids would make the document unreadable.</summary>
    private static string Clean(string text) => Content.XmlText.Clean(text);
}
