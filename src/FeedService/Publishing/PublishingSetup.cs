using FeedService.Categories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace FeedService.Publishing;

public static class PublishingSetup
{
    public static IServiceCollection AddPublishing(this IServiceCollection services)
    {
        services.AddOptions<FeedsOptions>().BindConfiguration(FeedsOptions.Section).ValidateDataAnnotations()
            .Validate(o => CronExpression.TryParse(o.RegenerateCron, out _), "FeedService:Feeds:RegenerateCron is not a valid Quartz cron expression")
            .ValidateOnStart();
        // Feeds advertise no hub unless WebSub registers the hubs it runs or was given.
        services.TryAddSingleton(FeedHubs.None);
        services.AddSingleton<FeedPagePosts>();
        services.AddSingleton<ArchiveIndex>();
        services.AddSingleton<ArchiveSync>();
        services.AddHostedService<SharedStateRefresh>();
        services.AddSingleton<FeedModelBuilder>();
        services.AddSingleton<DocumentStore>();
        services.AddSingleton<FeedFolder>();
        services.AddSingleton<IDocumentListener>(sp => sp.GetRequiredService<FeedFolder>());
        services.AddHostedService(sp => sp.GetRequiredService<FeedFolder>());
        services.AddSingleton<FeedChanges>();
        services.AddSingleton<IContentChanges>(sp => sp.GetRequiredService<FeedChanges>());
        services.AddSingleton<FeedRegenerator>();
        services.AddSingleton<RegenerationStatus>();
        services.AddSingleton<SiteStore>();
        Scheduling.CronSchedule.Add<FeedsOptions>(services, new TriggerKey("regenerate-periodically", "publishing"), RegenerateFeedsJob.Key,
            o => o.RegenerateCron);
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
