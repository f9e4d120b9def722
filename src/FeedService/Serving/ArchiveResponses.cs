using FeedService.Publishing;
using Microsoft.Extensions.Options;

namespace FeedService.Serving;

/// <summary>
/// RFC 5005 archive pages as served: rendered from the <see cref="ArchiveIndex"/> when first asked for, and kept while
/// the index still holds the same page (a run that changes a page publishes a new one, so a kept rendering can never be
/// served stale). Memory is bounded: two generations of at most FeedService:Feeds:ArchiveCacheMegabytes / 2 each; when
/// the young one is full the old one is dropped, and a dropped page is rendered again on its next request.
/// </summary>
public sealed class ArchiveResponses(ArchiveIndex index, IOptions<FeedsOptions> options)
{
    /// <summary>How long a request made before the first run after start-up has published the archive waits for it.</summary>
    public static readonly TimeSpan FirstRunWait = TimeSpan.FromSeconds(10);

    private sealed record Rendered(ArchiveIndex.Page Page, ServedFeed Served);

    private readonly Lock _lock = new();
    private Dictionary<string, Rendered> _young = new(StringComparer.Ordinal);
    private Dictionary<string, Rendered> _old = new(StringComparer.Ordinal);
    private long _youngBytes;

    /// <summary>Parses a validated archive file name ("3.atom") into its page number and extension.</summary>
    public static bool TryParsePage(string file, out int page, out string extension)
    {
        var dot = file.LastIndexOf('.');
        extension = dot < 0 ? "" : file[(dot + 1)..];
        return int.TryParse(file.AsSpan(0, Math.Max(dot, 0)), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out page) && page > 0;
    }

    /// <summary>The page's response when it has been rendered and is still current; otherwise null.</summary>
    public ServedFeed? TryGet(string slug, int page, string extension)
    {
        var current = CurrentPage(slug, page);
        if (current is null) return null;
        var key = ArchivePaths.Of(slug, page, extension);
        lock (_lock)
        {
            if (_young.TryGetValue(key, out var hit) || _old.TryGetValue(key, out hit))
                return ReferenceEquals(hit.Page, current) ? hit.Served : null;
        }
        return null;
    }

    /// <summary>
    /// The page's response, rendered now if it must be; null when the feed has no such page. Throws
    /// <see cref="TimeoutException"/> when the first run after start-up has not published the archive in time.
    /// </summary>
    public async Task<ServedFeed?> GetAsync(string slug, int page, string extension, CancellationToken ct)
    {
        if (!index.Ready.IsCompleted) await index.Ready.WaitAsync(FirstRunWait, ct);
        if (TryGet(slug, page, extension) is { } served) return served;
        var feed = index.Find(slug);
        if (feed is null || page > feed.Pages.Count) return null;
        var current = feed.Pages[page - 1];
        var body = await index.RenderAsync(feed, current, extension, ct);
        var immutable = page < feed.Pages.Count;
        var o = options.Value;
        served = ServedFeed.Create(MediaTypes.ServedAs(extension), current.ChangedAt, body, FeedEncodings.Gzip(body), FeedEncodings.Brotli(body),
            FeedEncodings.ETagOf(body), immutable, immutable ? o.ArchiveMaxAgeSeconds : o.MaxAgeSeconds, link: null);
        Keep(ArchivePaths.Of(slug, page, extension), new Rendered(current, served));
        return served;
    }

    private ArchiveIndex.Page? CurrentPage(string slug, int page) =>
        index.Find(slug) is { } feed && page <= feed.Pages.Count ? feed.Pages[page - 1] : null;

    private void Keep(string key, Rendered rendered)
    {
        var size = rendered.Served.Identity.Body.Length + rendered.Served.Gzip!.Body.Length + rendered.Served.Brotli!.Body.Length;
        var generationBytes = options.Value.ArchiveCacheMegabytes * 1024L * 1024 / 2;
        lock (_lock)
        {
            _old.Remove(key);
            _young[key] = rendered;
            _youngBytes += size;
            if (_youngBytes < generationBytes) return;
            _old = _young;
            _young = new(StringComparer.Ordinal);
            _youngBytes = 0;
        }
    }
}
