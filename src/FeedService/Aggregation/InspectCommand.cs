using System.Text.Encodings.Web;
using System.Text.Json;
using FeedService.Aggregation.Fetching;
using FeedService.Aggregation.Parsing;
using FeedService.Content;
using FeedService.Site;

namespace FeedService.Aggregation;

/// <summary>
/// <c>inspect [--Key=Value ...] &lt;file-or-url&gt;</c>: runs the aggregator's own <see cref="Ingest"/> path (fetcher,
/// discovery, parser, normalizer and sanitizer) on one feed and prints the entries as polling would store them, as JSON.
/// Settings are given like the service's own (e.g. <c>--FeedService:Aggregation:AllowPrivateNetworks=true</c>).
/// </summary>
public static class InspectCommand
{
    public sealed record InspectedItem(string? Id, string Title, string? Link, DateTimeOffset Published, DateTimeOffset? Updated,
        IReadOnlyList<string> Authors, IReadOnlyList<string> Categories, string Summary, string Content, IReadOnlyList<ParsedEnclosure> Enclosures);

    public sealed record InspectedFeed(string Format, string? Title, string? Link, string? Description, string Url,
        IReadOnlyList<string> Problems, IReadOnlyList<InspectedItem> Items);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // readable HTML in a terminal; this output is never embedded in a page
    };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var settings = args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var targets = args.Except(settings).ToArray();
        if (targets.Length != 1)
        {
            await stderr.WriteLineAsync("usage: FeedService inspect [--Section:Key=value ...] <file-or-url>");
            return 2;
        }
        var builder = Host.CreateApplicationBuilder(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddSite();
        builder.Services.AddContent();
        builder.Services.AddFeedFetching();
        builder.Services.AddSingleton<EntryNormalizer>();
        // No store: this Ingest reads and normalizes, and writes nothing anywhere.
        builder.Services.AddSingleton(sp => new Ingest(sp.GetRequiredService<FeedFetcher>(), sp.GetRequiredService<EntryNormalizer>(), TimeProvider.System));
        using var host = builder.Build();
        try
        {
            var (fetch, error) = await LoadAsync(targets[0], host.Services);
            if (error is not null)
            {
                await stderr.WriteLineAsync(error);
                return 1;
            }
            var ingest = host.Services.GetRequiredService<Ingest>();
            var read = await ingest.ReadAsync(fetch!, discover: true, CancellationToken.None);
            if (read.Feed is not { } feed)
            {
                await stderr.WriteLineAsync(read.Error);
                return 1;
            }
            var entries = ingest.Normalize(feed);
            var parsed = feed.Items.DistinctBy(EntryNormalizer.KeyOf).ToList();
            var items = parsed.Zip(entries, (item, entry) => new InspectedItem(item.Id, entry.Title, entry.Link, entry.Published, entry.Updated,
                item.Authors, item.Categories, entry.Summary, entry.Content, item.Enclosures)).ToList();
            await stdout.WriteLineAsync(JsonSerializer.Serialize(new InspectedFeed(feed.Format, feed.Title, feed.Link, feed.Description,
                (read.Discovered ?? fetch!.FinalUrl).AbsoluteUri, feed.Problems, items), Json));
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"cannot read {targets[0]}: {e.Message}");
            return 1;
        }
    }

    /// <summary>A URL through the fetcher, or a file's bytes as if fetched from its file: URL.</summary>
    private static async Task<(FetchResult? Fetch, string? Error)> LoadAsync(string target, IServiceProvider services)
    {
        if (Uri.TryCreate(target, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            var fetch = await services.GetRequiredService<FeedFetcher>().FetchAsync(new FetchRequest(url, null, null), CancellationToken.None);
            return fetch.Outcome == FetchOutcome.Ok ? (fetch, null) : (null, $"could not fetch {url}: {fetch.Error ?? fetch.Outcome.ToString()}");
        }
        var path = Path.GetFullPath(target);
        if (!File.Exists(path)) return (null, $"no such file or URL: {target}");
        var file = new Uri(path);
        return (new FetchResult(FetchOutcome.Ok, null, await File.ReadAllBytesAsync(path), null, null, null, file, null, null, null, null, null), null);
    }
}
