using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using FeedService.Publishing;
using FeedService.Site;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FeedService.Serving;

/// <summary>One representation of a feed document: its bytes and strong ETag (parsed, and as the header's text).</summary>
public sealed class FeedVariant(byte[] body, string etag, string? contentEncoding)
{
    public byte[] Body { get; } = body;
    public EntityTagHeaderValue ETag { get; } = new(etag);
    /// <summary>The ETag header's value, exactly as <see cref="ETag"/> formats it.</summary>
    public string ETagText { get; } = etag;
    public string? ContentEncoding { get; } = contentEncoding;

    /// <summary>The same bytes under another ETag (the strong ETag names one exact representation, content type included).</summary>
    internal FeedVariant WithTagSuffix(string suffix) => new(Body, ETagText.Insert(ETagText.Length - 1, suffix), ContentEncoding);
}

/// <summary>
/// A feed document as served: identity, gzip and brotli variants, when it last changed on disk, and every response
/// header value that does not depend on the request, computed once when the file is read.
/// </summary>
/// <remarks>Immutable: an archive page that a newer page follows, whose items can no longer change.</remarks>
public sealed class ServedFeed(
    string contentType, DateTimeOffset lastModified, FeedVariant identity, FeedVariant? gzip, FeedVariant? brotli,
    bool immutable, string cacheControl, string? link)
{
    public string ContentType { get; } = contentType;
    public DateTimeOffset LastModified { get; } = lastModified;
    public FeedVariant Identity { get; } = identity;
    public FeedVariant? Gzip { get; } = gzip;
    public FeedVariant? Brotli { get; } = brotli;
    public bool Immutable { get; } = immutable;

    /// <summary>Last-Modified as an HTTP date.</summary>
    public string LastModifiedText { get; } = HeaderUtilities.FormatDate(lastModified);
    public string CacheControl { get; } = cacheControl;
    /// <summary>The WebSub Link header (hubs and self) of a current document; null for archive pages.</summary>
    public string? Link { get; } = link;

    /// <summary>
    /// The same bytes for a person who opened an RSS or Atom document in a browser tab: served as application/xml (so the
    /// browser applies the document's xml-stylesheet), each variant with its own ETag. Null for JSON Feed documents.
    /// </summary>
    public ServedFeed? ForBrowser { get; private init; }

    private const string XmlPageType = "application/xml; charset=utf-8";

    /// <summary>
    /// A document as served, from its bytes, their gzip and brotli encodings and the document's ETag: each encoding gets
    /// its own suffix, because a strong ETag names one exact representation.
    /// </summary>
    public static ServedFeed Create(string contentType, DateTimeOffset lastModified, byte[] body, byte[] gzip, byte[] brotli, string etag,
        bool immutable, int maxAgeSeconds, string? link) =>
        new ServedFeed(
            contentType,
            // HTTP dates have whole seconds; truncating keeps If-Modified-Since comparisons exact.
            lastModified.AddTicks(-(lastModified.Ticks % TimeSpan.TicksPerSecond)),
            new FeedVariant(body, etag, null),
            new FeedVariant(gzip, etag.Insert(etag.Length - 1, "-gz"), "gzip"),
            new FeedVariant(brotli, etag.Insert(etag.Length - 1, "-br"), "br"),
            immutable,
            $"public, max-age={maxAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            link).WithBrowserPage();

    internal ServedFeed WithBrowserPage()
    {
        if (ContentType.StartsWith("application/feed+json", StringComparison.Ordinal)) return this;
        var page = new ServedFeed(XmlPageType, LastModified, Identity.WithTagSuffix("-x"), Gzip?.WithTagSuffix("-x"),
            Brotli?.WithTagSuffix("-x"), Immutable, CacheControl, Link);
        return new ServedFeed(ContentType, LastModified, Identity, Gzip, Brotli, Immutable, CacheControl, Link) { ForBrowser = page };
    }
}

/// <summary>
/// The current documents as served, each prepared once from the <see cref="DocumentStore"/>'s bytes (headers, variants),
/// so a request costs no disk I/O and, for a document already prepared, no allocation. The store tells the cache when a
/// document changes; the prepared response is replaced then.
/// </summary>
public sealed partial class FeedCache : IDocumentListener
{
    /// <summary>An archive page's file name: a page number and a known extension.</summary>
    [GeneratedRegex("^([1-9][0-9]{0,8})\\.(rss|atom|json)$", RegexOptions.CultureInvariant)]
    private static partial Regex ArchiveFileName();

    private const string ArchivePrefix = "archive/";

    private readonly ConcurrentDictionary<string, ServedFeed> _entries = new(StringComparer.Ordinal);
    // Looks entries up by a slice of the request path, so a hit allocates nothing.
    private readonly ConcurrentDictionary<string, ServedFeed>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly DocumentStore _documents;
    private readonly ArchiveResponses _archive;
    private readonly FeedsOptions _options;
    private readonly SiteOptions _site;
    private readonly FeedHubs _hubs;
    private int _generation;

    public FeedCache(DocumentStore documents, ArchiveResponses archive, IOptions<FeedsOptions> options, IOptions<SiteOptions> site, FeedHubs hubs)
    {
        _documents = documents;
        _archive = archive;
        _options = options.Value;
        _site = site.Value;
        _hubs = hubs;
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public void DocumentsChanged(IReadOnlyList<DocumentChange> changes, bool renderedHere)
    {
        Interlocked.Increment(ref _generation);
        foreach (var change in changes)
        {
            if (change.Document is { } document) _entries[change.Name] = Prepare(document);
            else _entries.TryRemove(change.Name, out _);
        }
    }

    /// <summary>Whether <paramref name="slug"/> and <paramref name="file"/> name an archive page ("{page}.{rss|atom|json}").</summary>
    public static bool IsArchiveName(string slug, string file) => Categories.Slugs.IsValid(slug) && ArchiveFileName().IsMatch(file);

    /// <summary>
    /// The document a request path names below /feeds/ ("tech.rss" or "archive/tech/3.atom"), or null when the name is
    /// not a feed's, there is no such document, or the archive page has not been rendered yet (the caller renders it).
    /// A current document already prepared is found without allocating.
    /// </summary>
    public ServedFeed? Find(ReadOnlySpan<char> name)
    {
        if (_bySpan.TryGetValue(name, out var cached)) return cached;
        if (name.StartsWith(ArchivePrefix, StringComparison.Ordinal))
        {
            var rest = name[ArchivePrefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash < 0) return null;
            var slug = rest[..slash].ToString();
            var file = rest[(slash + 1)..].ToString();
            return IsArchiveName(slug, file) && ArchiveResponses.TryParsePage(file, out var page, out var extension)
                ? _archive.TryGet(slug, page, extension)
                : null;
        }
        var current = name.ToString();
        return DocumentNames.IsCurrent(current) ? GetCurrent(current) : null;
    }

    /// <summary>A current document by its validated name ("tech.rss"), or null when there is none.</summary>
    public ServedFeed? GetCurrent(string name)
    {
        if (_entries.TryGetValue(name, out var cached)) return cached;
        var generation = Volatile.Read(ref _generation);
        if (_documents.Get(name) is not { } document) return null;
        var prepared = Prepare(document);
        // Missing documents are not remembered (random names must not grow the cache), and a preparation that raced with
        // a change is not kept (it may be of the old document).
        if (generation == Volatile.Read(ref _generation)) _entries.TryAdd(name, prepared);
        return prepared;
    }

    private ServedFeed Prepare(PublishedDocument document) =>
        ServedFeed.Create(document.ContentType, document.LastModified, document.Body, document.Gzip, document.Brotli, document.ETag,
            immutable: false, _options.MaxAgeSeconds, _hubs.LinkHeader(_site.Url($"feeds/{document.Name}")));
}
