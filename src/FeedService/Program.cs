using FeedService.Aggregation;
using FeedService.Api;
using FeedService.Categories;
using FeedService.Cluster;
using FeedService.Content;
using FeedService.Demo;
using FeedService.Posts;
using FeedService.Publishing;
using FeedService.Scheduling;
using FeedService.Serving;
using FeedService.Serving.Embed;
using FeedService.Serving.Pages;
using FeedService.Site;
using FeedService.Storage;
using FeedService.WebSub;
using FeedService.WebSub.Hub;
using FeedService.WebSub.Subscriber;
using Microsoft.Extensions.DependencyInjection.Extensions;

if (args is ["inspect", .. var inspectArgs]) return await InspectCommand.RunAsync(inspectArgs, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(args);
// Web serves HTTP, Worker runs the jobs; one process does both unless FeedService:Roles says otherwise (docs/scaling.md).
var node = Node.From(builder.Configuration);
builder.Services.AddSingleton(node);

// Each folder registers its own types and options; the order is the folders' layers, bottom first (docs/architecture.md).
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSite();
builder.Services.AddStorage();
builder.Services.AddContent();
builder.Services.AddApiKeys();
builder.Services.AddWriteRateLimits();
builder.Services.AddCategories();
builder.Services.AddPosts();
builder.Services.AddPublishing();
builder.Services.AddFeedServing();
builder.Services.AddSitePages();
builder.Services.AddEmbedWidgets();
builder.Services.AddAggregation();
builder.Services.AddWebSub();
builder.Services.AddDemo();
builder.Services.AddScheduling(builder.Configuration, node, q =>
{
    q.AddPublishingJobs();
    q.AddAggregationJobs();
});
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<StorageFullHandler>();
builder.Services.AddExceptionHandler<BadRequestHandler>();
builder.Services.AddOpenApi();
// Posts are at most ~1 MB of HTML; nothing legitimate sends more.
builder.WebHost.ConfigureKestrel(k =>
{
    k.Limits.MaxRequestBodySize = 4 * 1024 * 1024;
    k.AddServerHeader = false;
});

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRejectedRequestLogging();
// Everything under /feeds/ is answered here, before routing: pollers make most requests, and they need no routing.
if (node.IsWeb) app.UseFeeds();
app.UseRouting();
app.UseRateLimiter();

app.Logger.LogInformation("Node {Node} on {Database}", node, app.Services.GetRequiredService<Db>().Description);
await app.Services.MigrateDatabaseAsync();
await app.Services.SeedDemoAsync();
// Resolved now so a generated key (when none is configured) is written and logged at start, not at the first write.
_ = app.Services.GetRequiredService<ApiKeys>();

app.MapHealth();
// A worker-only node answers health checks and nothing else.
if (node.IsWeb)
{
    app.MapOpenApi();
    app.MapCategoriesApi();
    app.MapPostsApi();
    app.MapSourcesApi();
    app.MapWebSubHub();
    app.MapWebSubCallback();
    app.MapSitePages();
    app.MapSiteAssets();
    app.MapPublishedFeedsOpml();
    app.MapEmbed();
}

app.Run();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
