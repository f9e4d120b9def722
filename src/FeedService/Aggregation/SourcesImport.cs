using System.Xml;
using FeedService.Api;
using FeedService.Categories;
using Quartz;

namespace FeedService.Aggregation;

/// <summary>POST /api/sources/import: an OPML subscription list becomes sources (and the categories they name).</summary>
public static class SourcesImport
{
    public sealed record Added(long Id, string Url, IReadOnlyList<string> Categories);
    public sealed record Skipped(string? Url, string Reason);
    public sealed record ImportReport(IReadOnlyList<Added> Added, IReadOnlyList<Skipped> Duplicates, IReadOnlyList<Skipped> Rejected, IReadOnlyList<string> CategoriesCreated);

    /// <summary>
    /// Sources are stored without fetching (a list may hold hundreds) and are due at once: the polling job,
    /// triggered now, fetches them and records each one's outcome on the source.
    /// </summary>
    public static async Task<IResult> ImportAsync(HttpRequest request, SourceStore store, CategoryStore categories,
        ISchedulerFactory schedulers, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        List<OpmlOutline> outlines;
        try
        {
            // The XML reader reads synchronously; the body (capped by Kestrel's request limit) is buffered first.
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            buffer.Position = 0;
            outlines = Opml.Read(buffer);
        }
        catch (Exception e) when (e is XmlException or FormatException)
        {
            return Problems.Invalid("body", $"Not a readable OPML document: {e.Message}");
        }

        var known = await store.KnownUrlsAsync(ct);
        var existingCategories = (await categories.ListAsync(ct)).Select(c => c.Slug).ToHashSet(StringComparer.Ordinal);
        var added = new List<Added>();
        var duplicates = new List<Skipped>();
        var rejected = new List<Skipped>();
        var created = new List<string>();
        foreach (var outline in outlines)
        {
            if (outline.Url is null) { rejected.Add(new(null, $"outline '{outline.Title}' has no xmlUrl")); continue; }
            if (!Uri.TryCreate(outline.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            { rejected.Add(new(outline.Url, "not an absolute http or https URL")); continue; }
            if (!known.Add(url.AbsoluteUri)) { duplicates.Add(new(url.AbsoluteUri, "already a source")); continue; }

            foreach (var (slug, name) in outline.Categories.Where(c => !existingCategories.Contains(c.Slug)))
            {
                if (await categories.CreateAsync(slug, name, "", ct) is not null) created.Add(slug);
                existingCategories.Add(slug);
            }
            var slugs = outline.Categories.Select(c => c.Slug).Distinct().ToList();
            var now = clock.GetUtcNow();
            var id = await store.CreateAsync(url.AbsoluteUri, url.AbsoluteUri, slugs, null, now, now, ct);
            if (id is null) duplicates.Add(new(url.AbsoluteUri, "already a source"));
            else added.Add(new(id.Value, url.AbsoluteUri, slugs));
        }

        loggers.CreateLogger("FeedService.Aggregation.Import").LogInformation(
            "OPML import: {Added} added, {Duplicates} duplicates, {Rejected} rejected, {Created} categories created",
            added.Count, duplicates.Count, rejected.Count, created.Count);
        if (added.Count > 0) await (await schedulers.GetScheduler(ct)).TriggerJob(PollSourcesJob.Key, null, ct);
        return TypedResults.Ok(new ImportReport(added, duplicates, rejected, created));
    }
}
