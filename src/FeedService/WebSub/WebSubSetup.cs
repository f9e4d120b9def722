using FeedService.Aggregation;
using FeedService.Publishing;
using FeedService.WebSub.Hub;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub;

public static class WebSubSetup
{
    /// <summary>
    /// FeedService:WebSub: the hubs our feeds advertise (<see cref="FeedHubs"/>), the built-in hub, pings of external
    /// hubs, and push subscriptions of aggregated sources to the hubs their feeds name.
    /// </summary>
    public static IServiceCollection AddWebSub(this IServiceCollection services)
    {
        services.AddOptions<WebSubOptions>().BindConfiguration(WebSubOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Hubs.All(h => Uri.TryCreate(h, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"),
                "FeedService:WebSub:Hubs entries must be absolute http(s) URLs")
            .Validate(o => o.DefaultLeaseSeconds <= o.MaxLeaseSeconds, "FeedService:WebSub:DefaultLeaseSeconds must not exceed MaxLeaseSeconds")
            .ValidateOnStart();
        services.AddSingleton<HubLinks>();
        // What every current feed document advertises (Publishing renders it; without WebSub, no hub).
        services.Replace(ServiceDescriptor.Singleton(sp => new FeedHubs(sp.GetRequiredService<HubLinks>().Advertised)));
        services.AddWebSubHub();
        services.AddHttpClient(HubPinger.ClientName, (sp, client) =>
        {
            client.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<WebSubOptions>>().Value.RequestTimeoutSeconds);
            client.DefaultRequestHeaders.UserAgent.ParseAdd($"FeedService/{typeof(HubPinger).Assembly.GetName().Version?.ToString(3)}");
        });
        services.AddSingleton<HubPinger>();
        services.AddHttpClient(Subscriber.PushSubscriber.ClientName, (sp, client) =>
            {
                client.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<WebSubOptions>>().Value.RequestTimeoutSeconds);
                client.DefaultRequestHeaders.UserAgent.ParseAdd($"FeedService/{typeof(HubPinger).Assembly.GetName().Version?.ToString(3)}");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => Subscriber.PushSubscriber.Handler(sp.GetRequiredService<Aggregation.Fetching.AddressGuard>()));
        services.AddSingleton<Subscriber.PushStore>();
        services.AddSingleton<Subscriber.PushSubscriber>();
        services.Replace(ServiceDescriptor.Singleton<IPushSubscriptions>(sp => sp.GetRequiredService<Subscriber.PushSubscriber>()));
        services.AddSingleton<Subscriber.PushRenewal>();
        services.AddHostedService(sp => sp.GetRequiredService<Subscriber.PushRenewal>());
        services.AddSingleton<IDocumentListener>(sp => sp.GetRequiredService<HubPinger>());
        services.AddHostedService(sp => sp.GetRequiredService<HubPinger>());
        return services;
    }
}
