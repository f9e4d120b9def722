using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace FeedService.Publishing;

/// <summary>Renders a <see cref="FeedDocument"/> as RSS 2.0 or Atom 1.0 through System.ServiceModel.Syndication.</summary>
public static class FeedWriters
{
    public const string ContentNs = "http://purl.org/rss/1.0/modules/content/";
    public const string DcNs = "http://purl.org/dc/elements/1.1/";
    public const string HistoryNs = "http://purl.org/syndication/history/1.0";

    /// <summary>Root-relative, so it resolves on whatever host serves the feeds (and is harmlessly missing on a bare static copy).</summary>
    public const string StylesheetPath = "/assets/feed.xsl";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        NewLineChars = "\n",
        CheckCharacters = true,
    };

    public static byte[] Rss(FeedDocument doc) => RenderRss(doc).ToArray();

    public static byte[] Atom(FeedDocument doc) => RenderAtom(doc).ToArray();

    /// <summary>The RSS document in the calling thread's <see cref="RenderBuffer"/>: valid until the thread renders again.</summary>
    internal static ReadOnlyMemory<byte> RenderRss(FeedDocument doc)
    {
        var feed = BuildFeed(doc, "rss");
        foreach (var (item, entry) in feed.Items.Zip(doc.Entries))
        {
            // RSS <author> must be an e-mail address; names go in dc:creator. The full HTML goes in content:encoded,
            // which the formatter never writes by itself.
            foreach (var author in entry.Authors) item.ElementExtensions.Add(new XElement(XName.Get("creator", DcNs), author));
            item.ElementExtensions.Add(new XElement(XName.Get("encoded", ContentNs), entry.ContentHtml));
            // RSS readers show a category's text, so it carries the name people read rather than the slug.
            item.Categories.Clear();
            foreach (var category in entry.Categories) item.Categories.Add(new SyndicationCategory(category.Label));
        }
        return Write(w => new Rss20FeedFormatter(feed, serializeExtensionsAsAtom: true).WriteTo(new RssXmlWriter(w, doc.IsArchive)));
    }

    /// <summary>The Atom document in the calling thread's <see cref="RenderBuffer"/>: valid until the thread renders again.</summary>
    internal static ReadOnlyMemory<byte> RenderAtom(FeedDocument doc)
    {
        var feed = BuildFeed(doc, "atom");
        feed.Authors.Add(new SyndicationPerson(null, doc.Author, null));
        foreach (var (item, entry) in feed.Items.Zip(doc.Entries))
        {
            foreach (var author in entry.Authors) item.Authors.Add(new SyndicationPerson(null, author, null));
            item.Content = SyndicationContent.CreateHtmlContent(entry.ContentHtml);
        }
        if (doc.IsArchive) feed.AttributeExtensions.Add(new XmlQualifiedName("fh", "http://www.w3.org/2000/xmlns/"), HistoryNs);
        return Write(w => new Atom10FeedFormatter(feed).WriteTo(w));
    }

    /// <summary>What both formats share. Ids and dates are always set: the formatters would invent a random id and "now".</summary>
    private static SyndicationFeed BuildFeed(FeedDocument doc, string extension)
    {
        var feed = new SyndicationFeed
        {
            Id = doc.Id,
            Title = new TextSyndicationContent(doc.Title),
            Description = new TextSyndicationContent(doc.Description),
            LastUpdatedTime = doc.Updated,
            Generator = doc.Generator,
            Language = doc.Language,
        };
        feed.Links.Add(new SyndicationLink(new Uri(doc.HomeUrl), "alternate", null, "text/html", 0));
        feed.Links.Add(new SyndicationLink(new Uri(doc.SelfUrl(extension)), "self", null, MediaTypes.Of(extension), 0));
        AddArchiveLinks(feed, doc, extension);
        foreach (var hub in doc.Hubs ?? []) feed.Links.Add(new SyndicationLink(new Uri(hub), "hub", null, null, 0));
        feed.Items = doc.Entries.Select(BuildItem).ToList();
        return feed;
    }

    /// <summary>RFC 5005: current, prev-archive and next-archive links, and fh:archive on archive documents.</summary>
    private static void AddArchiveLinks(SyndicationFeed feed, FeedDocument doc, string extension)
    {
        if (doc.Archive is not { } archive) return;
        var type = MediaTypes.Of(extension);
        if (archive.Page is not null)
        {
            feed.Links.Add(new SyndicationLink(new Uri(doc.CurrentUrl(extension)), "current", null, type, 0));
            feed.ElementExtensions.Add(new XElement(XName.Get("archive", HistoryNs)));
        }
        if (archive.PrevArchive is { } prev) feed.Links.Add(new SyndicationLink(new Uri(doc.PageUrl(prev, extension)), "prev-archive", null, type, 0));
        if (archive.NextArchive is { } next) feed.Links.Add(new SyndicationLink(new Uri(doc.PageUrl(next, extension)), "next-archive", null, type, 0));
    }

    private static SyndicationItem BuildItem(FeedEntry entry)
    {
        var item = new SyndicationItem
        {
            Id = entry.Id,
            Title = new TextSyndicationContent(entry.Title),
            Summary = new TextSyndicationContent(entry.Summary, TextSyndicationContentKind.Html),
            PublishDate = entry.Published,
            LastUpdatedTime = entry.Updated,
        };
        item.Links.Add(new SyndicationLink(new Uri(entry.Link), "alternate", null, "text/html", 0));
        if (entry.Source is { } source)
        {
            // Provenance: <source url> in RSS, atom:source in Atom. Its id and date are set from data, or the
            // formatter would invent them.
            var origin = new SyndicationFeed { Id = source.FeedUrl, Title = new TextSyndicationContent(source.Title), LastUpdatedTime = entry.Updated };
            origin.Links.Add(new SyndicationLink(new Uri(source.FeedUrl), "self", null, null, 0));
            item.SourceFeed = origin;
        }
        foreach (var category in entry.Categories) item.Categories.Add(new SyndicationCategory(category.Term, null, category.Label));
        return item;
    }

    private static ReadOnlyMemory<byte> Write(Action<XmlWriter> write)
    {
        var stream = RenderBuffer.Take();
        using (var writer = XmlWriter.Create(stream, Settings))
        {
            writer.WriteStartDocument();
            // A person who opens the feed in a browser gets a readable page; readers ignore the instruction.
            writer.WriteProcessingInstruction("xml-stylesheet", $"type=\"text/xsl\" href=\"{StylesheetPath}\"");
            write(writer);
        }
        stream.WriteByte((byte)'\n');
        return RenderBuffer.Contents(stream);
    }
}

/// <summary>
/// One growable buffer per thread for rendering documents: a 130 KB document written into a fresh MemoryStream grows it
/// through eight copies and leaves large-object garbage behind each time.
/// </summary>
internal static class RenderBuffer
{
    [ThreadStatic] private static MemoryStream? t_buffer;

    /// <summary>The calling thread's buffer, emptied. Valid until the thread takes it again; never disposed.</summary>
    public static MemoryStream Take()
    {
        var buffer = t_buffer ??= new MemoryStream(256 * 1024);
        buffer.SetLength(0);
        return buffer;
    }

    /// <summary>What was written into <paramref name="buffer"/>, without copying it.</summary>
    public static ReadOnlyMemory<byte> Contents(MemoryStream buffer) => new(buffer.GetBuffer(), 0, (int)buffer.Length);
}

public static class MediaTypes
{
    public const string Rss = "application/rss+xml; charset=utf-8";
    public const string Atom = "application/atom+xml; charset=utf-8";
    public const string Json = "application/feed+json; charset=utf-8";

    /// <summary>The Content-Type a feed file is served with.</summary>
    public static string ServedAs(string extension) => extension switch
    {
        "rss" => Rss,
        "atom" => Atom,
        "json" => Json,
        _ => throw new ArgumentOutOfRangeException(nameof(extension), extension, "unknown feed format"),
    };

    public static string Of(string extension) => extension switch
    {
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "json" => "application/feed+json",
        _ => throw new ArgumentOutOfRangeException(nameof(extension), extension, "unknown feed format"),
    };
}
