using FeedService.Aggregation;
using FeedService.Publishing;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub.Hub;

/// <summary>The built-in WebSub hub: POST /websub, verification, content distribution, lease cleanup and /api/websub.</summary>
public static class HubSetup
{
    /// <summary>Expects the FeedService options (WebSub, Aggregation, Site, Storage) and publishing (FeedFiles) to be registered.</summary>
    public static IServiceCollection AddWebSubHub(this IServiceCollection services)
    {
        services.AddKeyedSingleton(HubHttp.ClientKey, (sp, _) => HubHttp.Create(
            sp.GetRequiredService<IOptions<WebSubOptions>>().Value,
            sp.GetRequiredService<IOptions<AggregationOptions>>().Value,
            sp.GetRequiredService<IOptions<SiteOptions>>().Value));
        services.AddSingleton<HubTopics>();
        services.AddSingleton<SubscriptionStore>();
        services.AddSingleton<HubLogStore>();
        services.AddSingleton<CallbackAddresses>();
        services.AddSingleton<DeliverySender>();
        services.AddSingleton<IntentVerifier>();
        services.AddSingleton<HubDelivery>();
        services.AddSingleton<IDocumentListener>(sp => sp.GetRequiredService<HubDelivery>());
        // Hosted services stop in reverse order: the work first (it adds to the log), the log last (it writes what is left).
        services.AddSingleton<DeliveryLog>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryLog>());
        services.AddSingleton<HubWork>();
        services.AddHostedService(sp => sp.GetRequiredService<HubWork>());
        services.AddHostedService<HubCleanup>();
        services.AddHubRateLimit();
        return services;
    }

    /// <summary>
    /// Maps POST /websub (when FeedService:WebSub:BuiltInHub is on) and the /api/websub reads. POST /websub requires the
    /// rate limiting policy <see cref="HubRateLimit.Policy"/>: the pipeline must run UseRateLimiter after routing.
    /// </summary>
    public static IEndpointRouteBuilder MapWebSubHub(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<WebSubOptions>>().Value.BuiltInHub) app.MapWebSubHubEndpoint();
        app.MapWebSubAdminApi();
        return app;
    }
}
