using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using FeedService.Categories;

namespace FeedService.Aggregation;

/// <summary>One feed outline of an OPML document, with the categories it belongs to (slug and display name).</summary>
public sealed record OpmlOutline(string? Url, string? Title, string? SiteUrl, IReadOnlyList<(string Slug, string Name)> Categories);

/// <summary>Reads subscription lists (OPML 1.0/2.0) and writes ours as OPML 2.0.</summary>
public static class Opml
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,   // never expand entities from a DOCTYPE
        XmlResolver = null,
        MaxCharactersInDocument = 20_000_000,
        IgnoreComments = true,
    };

    /// <summary>
    /// The feed outlines (those with xmlUrl, or of type rss). An outline's categories come from its
    /// <c>category</c> attribute when it has one (comma-separated, "/a/b" paths: the last segment counts),
    /// else from the folder outline it is nested in.
    /// </summary>
    public static List<OpmlOutline> Read(Stream opml)
    {
        using var reader = XmlReader.Create(opml, ReaderSettings);
        var doc = XDocument.Load(reader);
        if (doc.Root?.Name.LocalName != "opml") throw new FormatException("Not an OPML document: the root element is not <opml>.");
        var body = doc.Root.Element("body") ?? throw new FormatException("The OPML document has no <body>.");
        var result = new List<OpmlOutline>();
        Walk(body, folder: null, result);
        return result;
    }

    private static void Walk(XElement parent, (string Slug, string Name)? folder, List<OpmlOutline> result)
    {
        foreach (var outline in parent.Elements().Where(e => e.Name.LocalName == "outline"))
        {
            var text = Attr(outline, "title") ?? Attr(outline, "text");
            var url = Attr(outline, "xmlUrl") ?? Attr(outline, "xmlurl") ?? Attr(outline, "url");
            var isFeed = url is not null || string.Equals(Attr(outline, "type"), "rss", StringComparison.OrdinalIgnoreCase);
            if (isFeed)
            {
                var categories = CategoriesFromAttribute(Attr(outline, "category"));
                if (categories.Count == 0 && folder is { } f) categories.Add(f);
                result.Add(new OpmlOutline(url, text, Attr(outline, "htmlUrl"), categories));
            }
            else
            {
                var slug = SlugText.From(text);
                Walk(outline, slug is null ? folder : (slug, text!.Trim()), result);
            }
        }
    }

    private static List<(string Slug, string Name)> CategoriesFromAttribute(string? value)
    {
        var categories = new List<(string, string)>();
        foreach (var path in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = path.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (SlugText.From(name) is { } slug) categories.Add((slug, name!));
        }
        return categories;
    }

    private static string? Attr(XElement e, string name) => e.Attribute(name)?.Value is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    /// <summary>
    /// OPML 2.0 of the sources, in a folder per category (a source in two categories appears in both) and each
    /// outline's <c>category</c> attribute naming all of its slugs, so importing it back gives the same set.
    /// </summary>
    public static byte[] Write(string title, DateTimeOffset created, IReadOnlyList<Source> sources, IReadOnlyDictionary<string, string> categoryNames)
    {
        XElement Outline(Source s) => new("outline",
            new XAttribute("type", "rss"),
            new XAttribute("text", s.Title ?? s.Url),
            new XAttribute("title", s.Title ?? s.Url),
            new XAttribute("xmlUrl", s.Url),
            s.SiteLink is null ? null : new XAttribute("htmlUrl", s.SiteLink),
            s.Categories.Count == 0 ? null : new XAttribute("category", string.Join(',', s.Categories.Select(c => "/" + c))));

        var folders = sources.SelectMany(s => s.Categories.Select(c => (Category: c, Source: s)))
            .GroupBy(x => x.Category, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var name = categoryNames.GetValueOrDefault(g.Key, g.Key);
                return new XElement("outline", new XAttribute("text", name), new XAttribute("title", name), g.Select(x => Outline(x.Source)));
            });
        var uncategorized = sources.Where(s => s.Categories.Count == 0).Select(Outline);
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("opml", new XAttribute("version", "2.0"),
                new XElement("head",
                    new XElement("title", title),
                    new XElement("dateCreated", created.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture))),
                new XElement("body", folders, uncategorized)));
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            doc.Save(writer);
        }
        return stream.ToArray();
    }
}
