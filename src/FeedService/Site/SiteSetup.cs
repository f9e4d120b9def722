namespace FeedService.Site;

public static class SiteSetup
{
    /// <summary>FeedService:Site, which every feature reads (the base URL, title, language, default author).</summary>
    public static IServiceCollection AddSite(this IServiceCollection services)
    {
        services.AddOptions<SiteOptions>().BindConfiguration(SiteOptions.Section).ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https"),
                "FeedService:Site:BaseUrl must be an absolute http(s) URL")
            .ValidateOnStart();
        return services;
    }
}
