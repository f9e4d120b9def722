using System.Globalization;
using FeedService.Aggregation.Fetching;
using FeedService.Api;
using FeedService.Categories;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.Aggregation;

public static class SourcesApi
{
    public sealed record SourceBody(string? Url, List<string>? Categories, string? PollInterval, bool? Enabled);

    public sealed record SourceOutput(
        long Id, string Url, string RequestedUrl, string? Title, string? SiteLink, string? Format, IReadOnlyList<string> Categories,
        string PollInterval, bool Enabled, string? DisabledReason, DateTimeOffset? LastFetchedAt, int? LastStatus, string? LastOutcome,
        string? LastError, int ItemsSeen, int ItemsAdded, int ItemsUpdated, int ConsecutiveFailures, DateTimeOffset NextPollAt,
        string? ETag, string? LastModified, DateTimeOffset CreatedAt);

    public sealed record PollResponse(SourceOutput Source, PollOutcome Poll);

    public static RouteGroupBuilder MapSourcesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sources").WithTags("Sources");
        group.MapGet("/", ListAsync).Produces<List<SourceOutput>>();
        group.MapGet("/{id:long}", GetAsync).Produces<SourceOutput>().ProducesProblem(404);
        group.MapGet("/export", ExportAsync).Produces(200, contentType: OpmlMediaType);
        group.MapPost("/", CreateAsync).RequireApiKey().Accepts<SourceBody>("application/json")
            .Produces<PollResponse>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(409);
        group.MapPut("/{id:long}", UpdateAsync).RequireApiKey().Accepts<SourceBody>("application/json")
            .Produces<SourceOutput>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404).ProducesProblem(409);
        group.MapDelete("/{id:long}", DeleteAsync).RequireApiKey().Produces(204).ProducesProblem(401).ProducesProblem(404);
        group.MapPost("/{id:long}/poll", PollNowAsync).RequireApiKey().Produces<PollResponse>().ProducesProblem(401).ProducesProblem(404);
        group.MapPost("/import", SourcesImport.ImportAsync).RequireApiKey()
            .Accepts<string>("text/x-opml", "application/xml", "text/xml")
            .Produces<SourcesImport.ImportReport>().ProducesValidationProblem().ProducesProblem(401);
        return group;
    }

    private const string OpmlMediaType = "text/x-opml";

    private static async Task<IResult> ListAsync(SourceStore store, IOptions<AggregationOptions> options, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct)).Select(s => Output(s, options.Value)).ToList());

    private static async Task<IResult> GetAsync(long id, SourceStore store, IOptions<AggregationOptions> options, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } source ? TypedResults.Ok(Output(source, options.Value)) : Problems.NotFound($"There is no source {id}.");

    private static async Task<IResult> ExportAsync(SourceStore store, CategoryStore categories, IOptions<SiteOptions> site, TimeProvider clock, CancellationToken ct)
    {
        var names = (await categories.ListAsync(ct)).ToDictionary(c => c.Slug, c => c.Name, StringComparer.Ordinal);
        var bytes = Opml.Write($"{site.Value.Title} sources", clock.GetUtcNow(), await store.ListAsync(ct), names);
        return TypedResults.File(bytes, $"{OpmlMediaType}; charset=utf-8", "sources.opml");
    }

    /// <summary>
    /// Adds a source after fetching it once: an HTML page is followed to the feed its &lt;link rel="alternate"&gt; names,
    /// and the items found are stored at once. A URL that does not lead to a readable feed is refused with the reason.
    /// </summary>
    private static async Task<IResult> CreateAsync(HttpRequest request, SourceStore store, CategoryStore categories, FeedFetcher fetcher,
        Ingest ingest, SourcePoller poller, IOptions<AggregationOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync<SourceBody>(request, ct);
        if (error is not null) return error;
        var (input, errors) = await ValidateAsync(body!, categories, options.Value, ct);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var known = await store.KnownUrlsAsync(ct);
        if (known.Contains(input!.Url.AbsoluteUri)) return Problems.Conflict($"{input.Url} is already a source.");

        var fetch = await fetcher.FetchAsync(new FetchRequest(input.Url, null, null), ct);
        if (fetch.Outcome != FetchOutcome.Ok) return Problems.Invalid("url", $"Could not fetch {input.Url}: {fetch.Error ?? fetch.Outcome.ToString()}");
        var read = await ingest.ReadAsync(fetch, discover: true, ct);
        if (read.Feed is null) return Problems.Invalid("url", read.Error!);
        // A move seen on the way (301/308) is where the feed lives now; a temporary redirect is not.
        var feedUrl = read.Fetch.PermanentUrl ?? read.Discovered ?? input.Url;
        if (known.Contains(feedUrl.AbsoluteUri)) return Problems.Conflict($"{input.Url} leads to {feedUrl}, which is already a source.");

        // Not due until the fetch just made is recorded (which sets the real next poll): the polling job must not
        // fetch it meanwhile without the validators.
        var now = clock.GetUtcNow();
        var id = await store.CreateAsync(feedUrl.AbsoluteUri, input.Url.AbsoluteUri, input.Categories, input.IntervalSeconds, now, now + options.Value.MaxPollInterval, ct);
        if (id is null) return Problems.Conflict($"{feedUrl} is already a source.");
        var source = (await store.GetAsync(id.Value, ct))!;
        var found = await poller.ApplyAsync(source, read, ct);
        var stored = (await store.GetAsync(id.Value, ct))!;
        return TypedResults.Created($"/api/sources/{id}", new PollResponse(Output(stored, options.Value), found));
    }

    private static async Task<IResult> UpdateAsync(long id, HttpRequest request, SourceStore store, CategoryStore categories,
        IOptions<AggregationOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var existing = await store.GetAsync(id, ct);
        if (existing is null) return Problems.NotFound($"There is no source {id}.");
        var (body, error) = await JsonBody.ReadAsync<SourceBody>(request, ct);
        if (error is not null) return error;
        var (input, errors) = await ValidateAsync(body! with { Url = body!.Url ?? existing.Url }, categories, options.Value, ct);
        if (errors.Count > 0) return Problems.Invalid(errors);
        var newUrl = input!.Url.AbsoluteUri == existing.Url ? null : input.Url.AbsoluteUri;
        if (!await store.UpdateSettingsAsync(id, newUrl, input.Categories, input.IntervalSeconds, body.Enabled ?? existing.Enabled, clock.GetUtcNow(), ct))
            return newUrl is null ? Problems.NotFound($"There is no source {id}.") : Problems.Conflict($"{newUrl} is already another source.");
        return TypedResults.Ok(Output((await store.GetAsync(id, ct))!, options.Value));
    }

    /// <summary>Removes the source; the posts it brought stay, with their provenance.</summary>
    private static async Task<IResult> DeleteAsync(long id, SourceStore store, CancellationToken ct) =>
        await store.DeleteAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound($"There is no source {id}.");

    private static async Task<IResult> PollNowAsync(long id, SourceStore store, SourcePoller poller, IOptions<AggregationOptions> options, CancellationToken ct)
    {
        var source = await store.GetAsync(id, ct);
        if (source is null) return Problems.NotFound($"There is no source {id}.");
        var outcome = await poller.PollAsync(source, ct);
        return TypedResults.Ok(new PollResponse(Output((await store.GetAsync(id, ct))!, options.Value), outcome));
    }

    internal sealed record ValidSource(Uri Url, List<string> Categories, long? IntervalSeconds);

    private static async Task<(ValidSource? Input, Dictionary<string, string[]> Errors)> ValidateAsync(
        SourceBody body, CategoryStore categories, AggregationOptions options, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Uri.TryCreate(body.Url?.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || body.Url!.Length > 2000)
            errors["url"] = ["Required: an absolute http or https URL of a feed, or of a page that links to one."];

        long? seconds = null;
        if (body.PollInterval is not null)
        {
            if (!TimeSpan.TryParse(body.PollInterval, CultureInfo.InvariantCulture, out var interval))
                errors["pollInterval"] = ["A duration such as \"00:30:00\" (hh:mm:ss) or \"1.00:00:00\" (a day)."];
            else if (interval < options.MinPollInterval || interval > options.MaxPollInterval)
                errors["pollInterval"] = [$"Between {options.MinPollInterval} and {options.MaxPollInterval}."];
            else seconds = (long)interval.TotalSeconds;
        }

        var slugs = body.Categories ?? [];
        if (slugs.Any(s => !Slugs.IsValid(s))) errors["categories"] = ["Each entry must be a category slug."];
        else if (slugs.Count > 0)
        {
            var existing = await categories.ExistingAsync(slugs, ct);
            var unknown = slugs.Where(s => !existing.Contains(s)).Distinct().ToList();
            if (unknown.Count > 0) errors["categories"] = [$"Unknown category: {string.Join(", ", unknown)}. Create it first with POST /api/categories."];
        }
        return errors.Count > 0 ? (null, errors) : (new ValidSource(url!, slugs.Distinct().ToList(), seconds), errors);
    }

    public static SourceOutput Output(Source s, AggregationOptions options) => new(
        s.Id, s.Url, s.RequestedUrl, s.Title, s.SiteLink, s.Format, s.Categories,
        NextPoll.IntervalOf(s, options).ToString("c", CultureInfo.InvariantCulture), s.Enabled, s.DisabledReason, s.LastFetchedAt,
        s.LastStatus, s.LastOutcome, s.LastError, s.ItemsSeen, s.ItemsAdded, s.ItemsUpdated, s.ConsecutiveFailures, s.NextPollAt,
        s.ETag, s.LastModified, s.CreatedAt);
}
