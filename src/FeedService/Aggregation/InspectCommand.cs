using System.Text.Encodings.Web;
using System.Text.Json;
using FeedService.Aggregation.Fetching;
using FeedService.Aggregation.Parsing;
using FeedService.Content;
using FeedService.Site;

namespace FeedService.Aggregation;

/// <summary>
/// <c>inspect &lt;file-or-url&gt;</c>: runs the aggregator's own fetcher, parser and sanitizer on one feed and prints
/// the normalized feed as JSON, so a publisher can see exactly what polling a source would store.
/// </summary>
public static class InspectCommand
{
    public sealed record InspectedItem(string? Id, string Title, string? Link, DateTimeOffset? Published, DateTimeOffset? Updated,
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
        if (args.Length != 1)
        {
            await stderr.WriteLineAsync("usage: FeedService inspect <file-or-url>");
            return 2;
        }
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSite();
        builder.Services.AddFeedFetching();
        builder.Services.AddContent();
        using var host = builder.Build();
        try
        {
            var (body, contentType, url, error) = await LoadAsync(args[0], host.Services);
            if (error is not null)
            {
                await stderr.WriteLineAsync(error);
                return 1;
            }
            var parsed = FeedDiscovery.LooksLikeHtml(body!, contentType) ? new ParseResult(null, "an HTML page, not a feed") : FeedParser.Parse(body!, contentType, url!);
            if (parsed.Feed is not { } feed)
            {
                await stderr.WriteLineAsync($"not a readable feed: {parsed.Error}");
                return 1;
            }
            var html = host.Services.GetRequiredService<HtmlContent>();
            var items = feed.Items.Select(i => new InspectedItem(i.Id, i.Title ?? "", i.Link, i.Published, i.Updated, i.Authors, i.Categories,
                html.Prepare(i.Summary, i.BaseUrl), html.Prepare(i.Content ?? i.Summary, i.BaseUrl), i.Enclosures)).ToList();
            await stdout.WriteLineAsync(JsonSerializer.Serialize(new InspectedFeed(feed.Format, feed.Title, feed.Link, feed.Description, url!.AbsoluteUri, feed.Problems, items), Json));
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"cannot read {args[0]}: {e.Message}");
            return 1;
        }
    }

    private static async Task<(byte[]? Body, string? ContentType, Uri? Url, string? Error)> LoadAsync(string target, IServiceProvider services)
    {
        if (Uri.TryCreate(target, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            var fetcher = services.GetRequiredService<FeedFetcher>();
            var fetch = await fetcher.FetchAsync(new FetchRequest(url, null, null), CancellationToken.None);
            if (fetch.Outcome == FetchOutcome.Ok && FeedDiscovery.LooksLikeHtml(fetch.Body!, fetch.ContentType)
                && FeedDiscovery.FindFeedLinks(fetch.Body!, fetch.ContentType, fetch.FinalUrl) is [var feedLink, ..])
            {
                fetch = await fetcher.FetchAsync(new FetchRequest(feedLink, null, null), CancellationToken.None);
            }
            return fetch.Outcome == FetchOutcome.Ok
                ? (fetch.Body, fetch.ContentType, fetch.FinalUrl, null)
                : (null, null, null, $"could not fetch {url}: {fetch.Error ?? fetch.Outcome.ToString()}");
        }
        var path = Path.GetFullPath(target);
        if (!File.Exists(path)) return (null, null, null, $"no such file or URL: {target}");
        return (await File.ReadAllBytesAsync(path), null, new Uri(path), null);
    }
}
