using FeedService.Aggregation;
using FeedService.Aggregation.Fetching;
using FeedService.Site;
using Microsoft.Extensions.DependencyInjection;

namespace FeedService.Tests.Aggregation.Fetching;

/// <summary>
/// A FeedFetcher built the way the app builds it, through AddFeedFetching, so the registration is under test too.
/// Private networks are allowed by default because every test server is on 127.0.0.1.
/// </summary>
internal sealed class TestFetcher : IAsyncDisposable
{
    public const string SiteUrl = "https://feeds.example.test";

    private readonly ServiceProvider _services;

    public TestFetcher(Action<AggregationOptions>? configure = null, TimeProvider? time = null, AddressGuard? guard = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        // AddFeedFetching binds FeedService:Aggregation from configuration, as in the app; here it is empty.
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddSingleton(time ?? TimeProvider.System);
        services.Configure<SiteOptions>(o => o.BaseUrl = SiteUrl);
        services.Configure<AggregationOptions>(o =>
        {
            o.AllowPrivateNetworks = true;
            // Short enough that a broken limit fails the test quickly rather than hanging it.
            o.TimeoutSeconds = 10;
            o.ConnectTimeoutSeconds = 5;
            configure?.Invoke(o);
        });
        if (guard is not null) services.AddSingleton(guard);
        services.AddFeedFetching();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Fetcher = _services.GetRequiredService<FeedFetcher>();
    }

    public FeedFetcher Fetcher { get; }

    public Task<FetchResult> FetchAsync(Uri url, string? etag = null, string? lastModified = null, CancellationToken ct = default) =>
        Fetcher.FetchAsync(new FetchRequest(url, etag, lastModified), ct);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
