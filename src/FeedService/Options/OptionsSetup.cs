using Quartz;

namespace FeedService.Options;

public static class OptionsSetup
{
    public static IServiceCollection AddFeedServiceOptions(this IServiceCollection services)
    {
        services.AddOptions<SiteOptions>().BindConfiguration(SiteOptions.Section).ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https"),
                "FeedService:Site:BaseUrl must be an absolute http(s) URL")
            .ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.ApiKeys.All(k => k.Trim().Length >= 16), "FeedService:Auth:ApiKeys entries must be at least 16 characters")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FeedsOptions>().BindConfiguration(FeedsOptions.Section).ValidateDataAnnotations()
            .Validate(o => CronExpression.TryParse(o.RegenerateCron, out _), "FeedService:Feeds:RegenerateCron is not a valid Quartz cron expression")
            .ValidateOnStart();
        services.AddOptions<AggregationOptions>().BindConfiguration(AggregationOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.MinPollInterval > TimeSpan.Zero && o.MinPollInterval <= o.MaxPollInterval,
                "FeedService:Aggregation:MinPollInterval must be positive and not above MaxPollInterval")
            .Validate(o => o.DefaultPollInterval >= o.MinPollInterval && o.DefaultPollInterval <= o.MaxPollInterval,
                "FeedService:Aggregation:DefaultPollInterval must lie between MinPollInterval and MaxPollInterval")
            .Validate(o => CronExpression.TryParse(o.PollCron, out _), "FeedService:Aggregation:PollCron is not a valid Quartz cron expression")
            .ValidateOnStart();
        services.AddOptions<WebSubOptions>().BindConfiguration(WebSubOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Hubs.All(h => Uri.TryCreate(h, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"),
                "FeedService:WebSub:Hubs entries must be absolute http(s) URLs")
            .Validate(o => o.DefaultLeaseSeconds <= o.MaxLeaseSeconds, "FeedService:WebSub:DefaultLeaseSeconds must not exceed MaxLeaseSeconds")
            .ValidateOnStart();
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateOnStart();
        return services;
    }
}
