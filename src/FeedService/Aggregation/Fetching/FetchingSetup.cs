using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FeedService.Aggregation.Fetching;

public static class FetchingSetup
{
    /// <summary>
    /// Registers FeedService:Aggregation, <see cref="FeedFetcher"/> (singleton) and the HttpClient it owns, under the key
    /// <see cref="FeedFetcher.HttpClientKey"/> so it never collides with anyone else's HttpClient. Expects SiteOptions to
    /// be configured and logging to be added, and uses TimeProvider.System unless a TimeProvider is registered.
    /// </summary>
    public static IServiceCollection AddFeedFetching(this IServiceCollection services)
    {
        services.AddOptions<AggregationOptions>().BindConfiguration(AggregationOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.MinPollInterval > TimeSpan.Zero && o.MinPollInterval <= o.MaxPollInterval,
                "FeedService:Aggregation:MinPollInterval must be positive and not above MaxPollInterval")
            .Validate(o => o.DefaultPollInterval >= o.MinPollInterval && o.DefaultPollInterval <= o.MaxPollInterval,
                "FeedService:Aggregation:DefaultPollInterval must lie between MinPollInterval and MaxPollInterval")
            .Validate(o => Quartz.CronExpression.TryParse(o.PollCron, out _), "FeedService:Aggregation:PollCron is not a valid Quartz cron expression")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // TryAdd: a test may register its own guard first (see AddressGuard.AlsoAllowed).
        services.TryAddSingleton(sp => new AddressGuard(sp.GetRequiredService<IOptions<AggregationOptions>>().Value.AllowPrivateNetworks));
        services.TryAddKeyedSingleton(FeedFetcher.HttpClientKey, (sp, _) =>
            new HttpClient(CreateHandler(sp.GetRequiredService<IOptions<AggregationOptions>>().Value, sp.GetRequiredService<AddressGuard>()))
            {
                // FeedFetcher enforces TimeoutSeconds over headers and body together; HttpClient's own timeout covers headers only.
                Timeout = Timeout.InfiniteTimeSpan,
            });
        services.TryAddSingleton<FeedFetcher>();
        return services;
    }

    private static SocketsHttpHandler CreateHandler(AggregationOptions options, AddressGuard guard) => new()
    {
        // FeedFetcher follows redirects itself: to count hops, spot loops and tell 301/308 from 302/303/307.
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        ConnectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
        ConnectCallback = guard.ConnectAsync,
        // Through a proxy the guard would vet the proxy's address, not the feed's.
        UseProxy = false,
        // A source has no business tracking our polls, nor setting cookies that another fetch would send.
        UseCookies = false,
        // Connections are re-made, and so DNS re-resolved and re-vetted, every few minutes.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };
}
