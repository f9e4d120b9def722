using FeedService.Aggregation.Fetching;
using FeedService.Aggregation.Parsing;
using FeedService.Categories;

namespace FeedService.Aggregation;

/// <summary>
/// What reading a fetched body found: the feed, or why there is none. When the body was a page, <see cref="Discovered"/>
/// is the feed URL it linked to and <see cref="Fetch"/> that feed's fetch.
/// </summary>
public sealed record IngestRead(FetchResult Fetch, Uri? Discovered, ParsedFeed? Feed, string? Error);

/// <summary>What storing a feed's entries did: how many it saw, added and updated.</summary>
public sealed record IngestResult(int Seen, int Added, int Updated);

/// <summary>
/// The one way other sites' feeds come in, for polls, WebSub pushes, new sources and the inspect command alike:
/// detect (an HTML page or a feed) → discover (follow the page's feed link, where asked) or parse → normalize (sanitize
/// once) → dedupe → store → tell the feeds. Callers differ only in where the bytes come from and what they report.
/// </summary>
public sealed class Ingest
{
    private readonly FeedFetcher _fetcher;
    private readonly EntryNormalizer _normalizer;
    private readonly TimeProvider _clock;
    private readonly EntryStore? _entries;
    private readonly IContentChanges? _changes;

    /// <summary>An ingest that reads and normalizes but stores nothing (inspect has no database).</summary>
    public Ingest(FeedFetcher fetcher, EntryNormalizer normalizer, TimeProvider clock)
    {
        _fetcher = fetcher;
        _normalizer = normalizer;
        _clock = clock;
    }

    public Ingest(FeedFetcher fetcher, EntryNormalizer normalizer, TimeProvider clock, EntryStore entries, IContentChanges changes)
        : this(fetcher, normalizer, clock)
    {
        _entries = entries;
        _changes = changes;
    }

    /// <summary>
    /// Detect, then discover or parse: a feed is parsed; an HTML page is an error unless <paramref name="discover"/>, when
    /// the first feed it links to (&lt;link rel="alternate"&gt;) is fetched and parsed instead.
    /// </summary>
    public async Task<IngestRead> ReadAsync(FetchResult fetch, bool discover, CancellationToken ct)
    {
        // Nothing to read: a 304 (no error) or a failure (its error).
        if (fetch.Outcome != FetchOutcome.Ok) return new IngestRead(fetch, null, null, fetch.Error);
        var url = fetch.FinalUrl;
        Uri? discovered = null;
        if (FeedDiscovery.LooksLikeHtml(fetch.Body!, fetch.ContentType))
        {
            if (!discover) return new IngestRead(fetch, null, null, $"{url} serves an HTML page, not a feed");
            var links = FeedDiscovery.FindFeedLinks(fetch.Body!, fetch.ContentType, url);
            if (links.Count == 0) return new IngestRead(fetch, null, null, $"{url} is an HTML page that links to no RSS, Atom or JSON feed");
            discovered = links[0];
            fetch = await _fetcher.FetchAsync(new FetchRequest(discovered, null, null), ct);
            if (fetch.Outcome != FetchOutcome.Ok)
                return new IngestRead(fetch, discovered, null, $"the page links to {discovered}, which could not be fetched: {fetch.Error ?? fetch.Outcome.ToString()}");
            if (FeedDiscovery.LooksLikeHtml(fetch.Body!, fetch.ContentType))
                return new IngestRead(fetch, discovered, null, $"the page links to {discovered}, which is another HTML page, not a feed");
        }
        var parsed = FeedParser.Parse(fetch.Body!, fetch.ContentType, fetch.FinalUrl);
        return parsed.Feed is null
            ? new IngestRead(fetch, discovered, null, $"{discovered ?? url} is not a readable feed: {parsed.Error}")
            : new IngestRead(fetch, discovered, parsed.Feed, null);
    }

    /// <summary>Every entry as it would be stored (normalized, sanitized), for a caller that stores nothing.</summary>
    public IReadOnlyList<IncomingEntry> Normalize(ParsedFeed feed)
    {
        var now = _clock.GetUtcNow();
        return Identified(feed).Select(e => _normalizer.Normalize(e.Item, e.Key, e.Hash, now)).ToList();
    }

    /// <summary>
    /// Stores a source's entries and tells the feeds of its categories when any post was added or changed. Only entries
    /// that are new or changed upstream are normalized: sanitizing is most of an ingest's work, and an entry stored with
    /// the same hash is left as it is. The first of two same-key entries wins.
    /// </summary>
    public async Task<IngestResult> StoreAsync(Source source, ParsedFeed feed, CancellationToken ct)
    {
        if (_entries is null || _changes is null) throw new InvalidOperationException("This ingest was built without a store (inspect).");
        var now = _clock.GetUtcNow();
        var identified = Identified(feed);
        var stored = await _entries.StoredHashesAsync(source.Id, identified.Select(e => e.Key), ct);
        var incoming = identified.Where(e => !(stored.TryGetValue(e.Key, out var hash) && hash == e.Hash))
            .Select(e => _normalizer.Normalize(e.Item, e.Key, e.Hash, now)).ToList();
        var (added, updated) = await _entries.IngestAsync(source, feed.Title ?? source.Title, incoming, now, ct);
        if (added + updated > 0) await _changes.ChangedAsync(source.Categories, ct);
        return new IngestResult(feed.Items.Count, added, updated);
    }

    private static List<(ParsedItem Item, string Key, string Hash)> Identified(ParsedFeed feed) =>
        feed.Items.Select(i => (Item: i, Key: EntryNormalizer.KeyOf(i), Hash: EntryNormalizer.HashOf(i))).DistinctBy(e => e.Key).ToList();
}
