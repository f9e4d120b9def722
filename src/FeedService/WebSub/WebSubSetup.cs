using FeedService.Options;
using FeedService.Publishing;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub;

public static class WebSubSetup
{
    /// <summary>The publisher side: pings of external hubs. (Advertising hubs is part of publishing: see HubLinks.)</summary>
    public static IServiceCollection AddWebSubPublishing(this IServiceCollection services)
    {
        services.AddHttpClient(HubPinger.ClientName, (sp, client) =>
        {
            client.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<WebSubOptions>>().Value.RequestTimeoutSeconds);
            client.DefaultRequestHeaders.UserAgent.ParseAdd($"FeedService/{typeof(HubPinger).Assembly.GetName().Version?.ToString(3)}");
        });
        services.AddSingleton<HubPinger>();
        services.AddSingleton<IFeedChangeListener>(sp => sp.GetRequiredService<HubPinger>());
        services.AddHostedService(sp => sp.GetRequiredService<HubPinger>());
        return services;
    }
}
