using System.Diagnostics;
using FeedService.Categories;
using FeedService.Posts;
using FeedService.Storage;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedService.Publishing;

/// <summary>
/// One regeneration: renders the dirty categories (everything on this node's first run after start-up,
/// plus any category whose scheduled post went live since the last run on any node) and publishes the documents whose
/// bytes changed to the <see cref="DocumentStore"/>, which serving, the WebSub hub and the feeds/ folder read. On a
/// shared database it first loads what other workers' runs published, so it compares with and builds on their work.
/// </summary>
public sealed class FeedRegenerator(
    FeedChanges changes,
    Db db,
    CategoryStore categories,
    PostStore posts,
    FeedPagePosts pagePosts,
    ArchiveIndex archive,
    ArchiveSync archiveSync,
    SiteStore site,
    FeedModelBuilder models,
    DocumentStore documents,
    RegenerationStatus status,
    ISchedulerFactory schedulerFactory,
    IOptions<FeedsOptions> options,
    TimeProvider clock,
    ILogger<FeedRegenerator> logger) : IDisposable
{
    private static readonly TriggerKey ScheduledPostTrigger = new("scheduled-post", "publishing");
    private bool _ranHere;

    // Quartz never runs the job twice at once; this also covers runs started outside the scheduler.
    private readonly SemaphoreSlim _oneRunAtATime = new(1, 1);

    public async Task RunAsync(CancellationToken ct)
    {
        await _oneRunAtATime.WaitAsync(ct);
        try
        {
            await RunExclusiveAsync(ct);
        }
        finally
        {
            _oneRunAtATime.Release();
        }
    }

    public void Dispose() => _oneRunAtATime.Dispose();

    private async Task RunExclusiveAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        HashSet<string> dirty = [];
        var everything = false;
        var changed = new List<string>();
        var rendered = 0;
        List<string>?[] results = [];
        try
        {
            (dirty, everything) = await changes.DrainAsync(ct);
            var lastRun = await site.RegeneratedAtAsync(ct);
            var firstRun = !_ranHere || lastRun is null;
            everything |= firstRun;
            if (db.Provider == StorageProvider.Postgres)
            {
                // Another worker may have run since this one did: compare with, and build on, what it published.
                await documents.RefreshAsync(ct);
                await archiveSync.RefreshAsync(regenerated: false, ct);
            }
            if (!firstRun)
            {
                var (wentLive, any) = await posts.BecameVisibleAsync(lastRun!.Value, now, ct);
                dirty.UnionWith(wentLive);
                if (any) dirty.Add(Slugs.All);
            }

            var all = await categories.ListAsync(ct);
            var bySlug = all.ToDictionary(c => c.Slug, StringComparer.Ordinal);
            var names = all.ToDictionary(c => c.Slug, c => c.Name, StringComparer.Ordinal);
            IEnumerable<string> targets = everything ? bySlug.Keys.Append(Slugs.All).Concat(documents.All.Select(d => DocumentNames.SlugOf(d.Name))) : dirty;

            // Feeds are independent of each other: they are rendered side by side, one per core, and their changes
            // listed in slug order whatever order they finish in.
            var ordered = targets.Distinct().Order(StringComparer.Ordinal).ToList();
            results = new List<string>?[ordered.Count];
            var published = new System.Collections.Concurrent.ConcurrentBag<PublishedDocument>();
            var removed = new System.Collections.Concurrent.ConcurrentBag<string>();
            var renderedFeeds = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, ordered.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
                async (i, token) =>
                {
                    var slug = ordered[i];
                    if (slug != Slugs.All && !bySlug.ContainsKey(slug))
                    {
                        // The category was deleted: its feeds and archive go too (404 from now on).
                        var gone = DocumentNames.Names(slug).Where(n => documents.Get(n) is not null).ToList();
                        foreach (var name in gone) removed.Add(name);
                        results[i] = gone.ConvertAll(f => "-" + f);
                        archive.Remove(slug);
                        return;
                    }
                    Interlocked.Increment(ref renderedFeeds);
                    results[i] = await RenderFeedAsync(slug, bySlug.GetValueOrDefault(slug), names, now, everything, published, token);
                });
            rendered = renderedFeeds;
            Collect(results, changed);
            await documents.PublishAsync([.. published.OrderBy(d => d.Name, StringComparer.Ordinal)], [.. removed.Order(StringComparer.Ordinal)], ct);

            await archiveSync.SaveAsync(ct);
            await site.SetRegeneratedAtAsync(now, ct);
            _ranHere = true;
            archive.MarkReady();
            await ScheduleNextScheduledPostAsync(now, ct);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var listed = RegenerationStatus.Listed(changed);
            status.Record(run => new(run, now, ms, rendered, listed, null, now, changed.Count));
            logger.LogInformation("Regenerated {Rendered} feeds in {ElapsedMs:F1} ms; {ChangedCount} changed: {Changed}",
                rendered, ms, changed.Count, changed.Count == 0 ? "none"
                    : string.Join(' ', listed) + (changed.Count > listed.Count ? $" (and {changed.Count - listed.Count} more)" : ""));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Nothing is lost: what this run took is put back for the next one, and the last good files stay served.
            await RestoreAsync(dirty, everything);
            if (changed.Count == 0) Collect(results, changed);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            status.Record(run => new(run, now, ms, rendered, RegenerationStatus.Listed(changed), e.Message, status.Last?.LastSuccessAt, changed.Count));
            logger.LogError(e, "Regeneration failed after {ElapsedMs:F1} ms; will retry on the next run", ms);
        }
    }

    private async Task RestoreAsync(HashSet<string> dirty, bool everything)
    {
        try
        {
            await changes.RestoreAsync(dirty, everything, CancellationToken.None);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // The database is failing too: a node's first run after start-up renders everything, so nothing stays unrendered.
            logger.LogError(e, "Could not put back the feeds a failed run took: {Slugs}", string.Join(' ', dirty));
        }
    }

    private static void Collect(List<string>?[] results, List<string> changed)
    {
        foreach (var feed in results)
            if (feed is not null) changed.AddRange(feed);
    }

    /// <summary>
    /// Renders one feed's current document (the newest ItemsPerFeed items) and publishes its RFC 5005 archive to the
    /// <see cref="ArchiveIndex"/>, which renders a page when it is asked for. Page k holds items (k-1)·N+1 … k·N counted
    /// from the oldest, so a new post changes only the current document and the newest page (a full page never changes
    /// again). Archive pages whose content changed are listed as changed; with <paramref name="renew"/> (a run over
    /// everything: a category's or the site's fields may have changed) every page is published anew.
    /// </summary>
    private async Task<List<string>> RenderFeedAsync(string slug, Category? category, Dictionary<string, string> names, DateTimeOffset now,
        bool renew, System.Collections.Concurrent.ConcurrentBag<PublishedDocument> published, CancellationToken ct)
    {
        var n = options.Value.ItemsPerFeed;
        var started = Stopwatch.GetTimestamp();
        var (feedId, siteCreated) = category is null ? await site.AllFeedAsync(ct) : (category.FeedId, category.UpdatedAt);
        var prints = await pagePosts.FingerprintsAsync(category?.Id, now, ct);
        var archived = Math.Max(0, prints.Count - n);
        var pages = (archived + n - 1) / n;
        var changed = new List<string>();

        // The current document: the newest n of the fingerprints, newest first.
        var newest = prints.GetRange(prints.Count - Math.Min(n, prints.Count), Math.Min(n, prints.Count)).ConvertAll(p => p.Id);
        newest.Reverse();
        var printsRead = Stopwatch.GetTimestamp();
        var items = await pagePosts.ByIdsAsync(newest, ct);
        var postsRead = Stopwatch.GetTimestamp();
        var position = pages > 0 ? new ArchivePosition(null, pages, null) : null;
        RenderAll(category is null
            ? models.ForAll(feedId, siteCreated, items, names, position)
            : models.ForCategory(category, items, names, position), slug, now, changed, published);
        var documentsWritten = Stopwatch.GetTimestamp();

        var known = archive.Find(slug)?.Pages ?? [];
        var archivePages = new ArchiveIndex.Page[pages];
        var feedPrint = category is null ? "all" : $"{category.Name}\u001f{category.Description}\u001f{category.UpdatedAt.UtcTicks}";
        for (var page = 1; page <= pages; page++)
        {
            var slice = prints.GetRange((page - 1) * n, Math.Min(n, archived - (page - 1) * n));
            var hash = PageHash(feedPrint, page, page == pages, slice);
            var before = page <= known.Count ? known[page - 1] : null;
            if (before?.Hash == hash && !renew)
            {
                archivePages[page - 1] = before;
                continue;
            }
            var ids = slice.ConvertAll(p => p.Id);
            ids.Reverse();
            archivePages[page - 1] = new ArchiveIndex.Page(page, [.. ids], hash, now);
            if (before?.Hash != hash) changed.AddRange(DocumentNames.Extensions.Select(ext => ArchivePaths.Of(slug, page, ext)));
        }
        for (var page = pages + 1; page <= known.Count; page++)
            changed.AddRange(DocumentNames.Extensions.Select(ext => "-" + ArchivePaths.Of(slug, page, ext)));
        archive.Publish(new ArchiveIndex.Feed(slug, category, feedId, siteCreated, names, archivePages));
        // Where a run's time goes, feed by feed (tests/bench/regenerate.sh reads it for the one-post runs).
        logger.LogDebug("Rendered feed {Slug}: fingerprints {FingerprintsMs:F1} ms ({Posts} posts), current posts {PostsMs:F1} ms, "
            + "documents {DocumentsMs:F1} ms (3 formats rendered, compared, the changed ones compressed), archive index {ArchiveMs:F1} ms",
            slug, Stopwatch.GetElapsedTime(started, printsRead).TotalMilliseconds, prints.Count,
            Stopwatch.GetElapsedTime(printsRead, postsRead).TotalMilliseconds, Stopwatch.GetElapsedTime(postsRead, documentsWritten).TotalMilliseconds,
            Stopwatch.GetElapsedTime(documentsWritten).TotalMilliseconds);
        return changed;
    }

    private void RenderAll(FeedDocument doc, string slug, DateTimeOffset now, List<string> changed, System.Collections.Concurrent.ConcurrentBag<PublishedDocument> published)
    {
        // The three formats are rendered, compared and encoded side by side: a run after one post has only a few feeds,
        // and this is what spreads their work over the cores. Each document is rendered into its thread's buffer and
        // copied out only when its bytes differ from the current document's.
        var names = DocumentNames.Names(slug);
        var documents = new PublishedDocument?[3];
        Parallel.Invoke(
            () => documents[0] = IfChanged(names[0], FeedWriters.RenderRss(doc).Span, now),
            () => documents[1] = IfChanged(names[1], FeedWriters.RenderAtom(doc).Span, now),
            () => documents[2] = IfChanged(names[2], JsonFeedWriter.Render(doc).Span, now));
        foreach (var document in documents)
        {
            if (document is null) continue;
            published.Add(document);
            changed.Add(document.Name);
        }
    }

    /// <summary>The document to publish for these bytes, or null when they are what is current (it keeps its ETag and Last-Modified).</summary>
    private PublishedDocument? IfChanged(string name, ReadOnlySpan<byte> body, DateTimeOffset now) =>
        documents.Get(name) is { } current && body.SequenceEqual(current.Body) ? null : PublishedDocument.Encode(name, body, now);

    /// <summary>What an archive page's bytes depend on: its items and their update times, its place in the chain, the feed's own fields.</summary>
    private static string PageHash(string feedPrint, int page, bool newest, List<(long Id, string UpdatedAt)> items)
    {
        var text = new System.Text.StringBuilder(feedPrint).Append('|').Append(page).Append('|').Append(newest);
        foreach (var (id, updated) in items) text.Append('|').Append(id).Append('@').Append(updated);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>A scheduled post appears by itself: the job is woken at the moment it goes live.</summary>
    private async Task ScheduleNextScheduledPostAsync(DateTimeOffset now, CancellationToken ct)
    {
        var next = await posts.NextScheduledAsync(now, ct);
        IScheduler scheduler;
        try
        {
            scheduler = await schedulerFactory.GetScheduler(ct);
        }
        catch (SchedulerException) when (!ct.IsCancellationRequested)
        {
            // The service is stopping: there is nothing left to wake, and the next start renders everything anyway.
            return;
        }
        if (await scheduler.GetStatus(ct) is SchedulerStatus.ShuttingDown or SchedulerStatus.Shutdown) return;
        if (next is null)
        {
            await scheduler.UnscheduleJob(ScheduledPostTrigger, ct);
            return;
        }
        var trigger = TriggerBuilder.Create()
            .WithIdentity(ScheduledPostTrigger)
            .ForJob(RegenerateFeedsJob.Key)
            .StartAt(next.Value)
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, ct);
    }
}
