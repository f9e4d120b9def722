using FeedService.Aggregation;
using FeedService.Api;
using FeedService.Categories;
using FeedService.Content;
using FeedService.Demo;
using FeedService.Posts;
using FeedService.Publishing;
using FeedService.Serving;
using FeedService.Serving.Embed;
using FeedService.Serving.Pages;
using FeedService.Site;
using FeedService.Storage;
using FeedService.WebSub;
using FeedService.WebSub.Hub;
using FeedService.WebSub.Subscriber;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

if (args is ["inspect", .. var inspectArgs]) return await InspectCommand.RunAsync(inspectArgs, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(args);

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
builder.Services.AddQuartz(q =>
{
    // Scheduler names are process-wide in Quartz; a unique one lets several apps share a process (tests).
    q.ConfigureScheduler(o => o.InstanceName = $"FeedService-{Guid.NewGuid():N}");
    q.AddPublishingJobs();
    q.AddAggregationJobs();
});
builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
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
app.UseFeeds();
app.UseRouting();
app.UseRateLimiter();

await app.Services.MigrateDatabaseAsync();
await app.Services.SeedDemoAsync();
// Resolved now so a generated key (when none is configured) is written and logged at start, not at the first write.
_ = app.Services.GetRequiredService<ApiKeys>();

app.MapOpenApi();
app.MapCategoriesApi();
app.MapPostsApi();
app.MapSourcesApi();
app.MapWebSubHub();
app.MapWebSubCallback();
app.MapHealth();
app.MapSitePages();
app.MapSiteAssets();
app.MapPublishedFeedsOpml();
app.MapEmbed();

app.Run();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
