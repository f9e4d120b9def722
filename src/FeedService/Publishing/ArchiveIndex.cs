using System.Collections.Concurrent;
using FeedService.Categories;

namespace FeedService.Publishing;

/// <summary>
/// Every feed's RFC 5005 archive as the last regeneration run saw it: which posts each page holds and a hash of all its
/// bytes depend on. Pages are not rendered by the run: they are most of a feed's documents and each is fetched rarely
/// (a reader walking the history once, a crawler), so a page is rendered when it is first asked for
/// (<see cref="RenderAsync"/>) and its response kept by the server until the run publishes a different page. The index is
/// saved in the database after each run (<see cref="ArchiveSync"/>), so every node sharing it serves the same pages with
/// the same Last-Modified, and whichever worker runs next knows when each page last changed.
/// </summary>
public sealed class ArchiveIndex(FeedPagePosts pagePosts, FeedModelBuilder models)
{
    /// <summary>
    /// One archive page: its posts (newest first) and what its bytes depend on. A new object whenever its content may have
    /// changed, so a rendering of it is current exactly while the index still holds the same object.
    /// </summary>
    public sealed class Page(int number, long[] postIds, string hash, DateTimeOffset changedAt)
    {
        public int Number { get; } = number;
        public long[] PostIds { get; } = postIds;
        public string Hash { get; } = hash;
        /// <summary>When a run first saw the page with this content: its Last-Modified.</summary>
        public DateTimeOffset ChangedAt { get; } = changedAt;
    }

    /// <summary>A feed's archive and what rendering its pages needs besides their posts (the feed's own record and every category's name).</summary>
    public sealed record Feed(string Slug, Category? Category, string FeedId, DateTimeOffset SiteCreated,
        IReadOnlyDictionary<string, string> CategoryNames, IReadOnlyList<Page> Pages);

    private readonly ConcurrentDictionary<string, Feed> _feeds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unsaved = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a run (of this node, or of another one on the same database) has published every feed's archive.</summary>
    public Task Ready => _published.Task;

    public Feed? Find(string slug) => _feeds.GetValueOrDefault(slug);

    /// <summary>A run's new archive of a feed; <see cref="ArchiveSync"/> saves it.</summary>
    public void Publish(Feed feed)
    {
        _feeds[feed.Slug] = feed;
        lock (_unsaved) _unsaved.Add(feed.Slug);
    }

    /// <summary>The feed's category was deleted; <see cref="ArchiveSync"/> removes its saved archive.</summary>
    public void Remove(string slug)
    {
        _feeds.TryRemove(slug, out _);
        lock (_unsaved) _unsaved.Add(slug);
    }

    public void MarkReady() => _published.TrySetResult();

    /// <summary>The slugs published or removed since the last call, with their archives now (null: removed).</summary>
    internal List<(string Slug, Feed? Feed)> TakeUnsaved()
    {
        lock (_unsaved)
        {
            var taken = _unsaved.Order(StringComparer.Ordinal).Select(s => (s, _feeds.GetValueOrDefault(s))).ToList();
            _unsaved.Clear();
            return taken;
        }
    }

    /// <summary>
    /// Another node's archive of a feed (null: removed), loaded from the database. Pages whose content is unchanged keep
    /// their objects, so their kept renderings stay current.
    /// </summary>
    internal void Load(string slug, Feed? loaded)
    {
        if (loaded is null)
        {
            _feeds.TryRemove(slug, out _);
            return;
        }
        var before = _feeds.GetValueOrDefault(slug);
        var pages = before is null ? loaded.Pages : loaded.Pages.Select(p => p.Number <= before.Pages.Count && before.Pages[p.Number - 1] is { } old
            && old.Hash == p.Hash && old.ChangedAt == p.ChangedAt ? old : p).ToList();
        _feeds[slug] = loaded with { Pages = pages };
    }

    /// <summary>The page's posts read now and rendered in the format of <paramref name="extension"/>.</summary>
    public async Task<byte[]> RenderAsync(Feed feed, Page page, string extension, CancellationToken ct)
    {
        var items = await pagePosts.ByIdsAsync(page.PostIds, ct);
        var count = feed.Pages.Count;
        var position = new ArchivePosition(page.Number, page.Number > 1 ? page.Number - 1 : null, page.Number < count ? page.Number + 1 : null);
        var doc = feed.Category is null
            ? models.ForAll(feed.FeedId, feed.SiteCreated, items, feed.CategoryNames, position)
            : models.ForCategory(feed.Category, items, feed.CategoryNames, position);
        return extension switch
        {
            "rss" => FeedWriters.Rss(doc),
            "atom" => FeedWriters.Atom(doc),
            "json" => JsonFeedWriter.Write(doc),
            _ => throw new ArgumentOutOfRangeException(nameof(extension), extension, "unknown feed format"),
        };
    }
}
