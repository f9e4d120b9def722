using FeedService.Options;
using FeedService.Publishing;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub;

public static class WebSubSetup
{
    /// <summary>
    /// Pings of external hubs (advertising hubs is part of publishing: see HubLinks), and push subscriptions of
    /// aggregated sources to the hubs their feeds name.
    /// </summary>
    public static IServiceCollection AddWebSubClients(this IServiceCollection services)
    {
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
        services.AddSingleton<Subscriber.PushRenewal>();
        services.AddHostedService(sp => sp.GetRequiredService<Subscriber.PushRenewal>());
        services.AddSingleton<IFeedChangeListener>(sp => sp.GetRequiredService<HubPinger>());
        services.AddHostedService(sp => sp.GetRequiredService<HubPinger>());
        return services;
    }
}
