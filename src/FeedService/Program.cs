using FeedService.Aggregation;
using FeedService.Api;
using FeedService.Categories;
using FeedService.Options;
using FeedService.Posts;
using FeedService.Publishing;
using FeedService.Serving;
using FeedService.Serving.Embed;
using FeedService.Serving.Pages;
using FeedService.Storage;
using FeedService.WebSub;
using FeedService.WebSub.Hub;
using FeedService.WebSub.Subscriber;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

if (args is ["inspect", .. var inspectArgs]) return await InspectCommand.RunAsync(inspectArgs, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(args);

builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddFeedServiceOptions();
builder.Services.AddStorage();
builder.Services.AddApiKeys();
builder.Services.AddWriteRateLimits();
builder.Services.AddPublishing();
builder.Services.AddAggregation();
builder.Services.AddWebSubHub();
builder.Services.AddWebSubClients();
builder.Services.AddSitePages();
builder.Services.AddEmbedWidgets();
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

// Feed documents in memory are answered first (200/304): pollers make most requests, and they need none of what follows.
app.UseFeedResponses();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRejectedRequestLogging();
// Explicit, so routing runs after the feed fast path (by default it would run before every middleware).
app.UseRouting();
app.UseRateLimiter();

await app.Services.PrepareDatabaseAsync();
// Resolved now so a generated key (when none is configured) is written and logged at start, not at the first write.
_ = app.Services.GetRequiredService<ApiKeys>();

app.MapOpenApi();
app.MapCategoriesApi();
app.MapPostsApi();
app.MapSourcesApi();
app.MapWebSubHub();
app.MapWebSubCallback();
app.MapFeeds();
app.MapHealth();
app.MapSitePages();
app.MapSiteAssets();
app.MapPublishedFeedsOpml();
app.MapEmbed();

app.Run();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
