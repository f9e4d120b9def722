using FeedService.Options;
using FeedService.Serving;
using Microsoft.Extensions.Options;
using Quartz;

namespace FeedService.Publishing;

public static class PublishingSetup
{
    public static IServiceCollection AddPublishing(this IServiceCollection services)
    {
        services.AddSingleton<HtmlContent>();
        services.AddSingleton<PreparedHtmlCache>();
        services.AddSingleton<FeedPagePosts>();
        services.AddSingleton<ArchiveIndex>();
        services.AddSingleton<WebSub.HubLinks>();
        services.AddSingleton<FeedModelBuilder>();
        services.AddSingleton<FeedFiles>();
        services.AddSingleton<ArchiveResponses>();
        services.AddSingleton<FeedCache>();
        services.AddSingleton<FeedResponder>();
        services.AddSingleton<FeedChanges>();
        services.AddSingleton<FeedRegenerator>();
        services.AddSingleton<RegenerationStatus>();
        services.AddSingleton<SiteStore>();
        Scheduling.CronSchedule.Add(services, new TriggerKey("regenerate-periodically", "publishing"), RegenerateFeedsJob.Key,
            sp => sp.GetRequiredService<IOptions<FeedsOptions>>().Value.RegenerateCron);
        return services;
    }

    public static IQuartzBuilder AddPublishingJobs(this IQuartzBuilder q)
    {
        q.AddJob<RegenerateFeedsJob>(j => j.WithIdentity(RegenerateFeedsJob.Key).StoreDurably().DisallowConcurrentExecution());
        // The first run after start-up renders every feed (the dirty set of a previous process is gone).
        q.RunAtStartup(RegenerateFeedsJob.Key);
        return q;
    }
}
