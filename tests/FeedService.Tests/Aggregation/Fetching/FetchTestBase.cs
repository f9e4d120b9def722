using FeedService.Aggregation;
using FeedService.Aggregation.Fetching;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Aggregation.Fetching;

/// <summary>
/// What every fetching test class starts from: a <see cref="LocalFeedServer"/> on 127.0.0.1 and a <see cref="TestFetcher"/>
/// set up by the class (e.g. with its own limits), both new for each test and disposed after it.
/// </summary>
public abstract class FetchTestBase : IAsyncLifetime
{
    private protected FetchTestBase(Action<AggregationOptions>? configure = null, TimeProvider? time = null) =>
        Fetcher = new TestFetcher(configure, time);

    protected LocalFeedServer Server { get; private set; } = null!;

    private protected TestFetcher Fetcher { get; }

    public virtual async Task InitializeAsync() => Server = await LocalFeedServer.StartAsync();

    public async Task DisposeAsync()
    {
        await Fetcher.DisposeAsync();
        await Server.DisposeAsync();
    }

    /// <summary>Fetches <paramref name="path"/> from the test server.</summary>
    private protected Task<FetchResult> FetchAsync(string path, string? etag = null, string? lastModified = null, CancellationToken ct = default) =>
        Fetcher.FetchAsync(Server.Url(path), etag, lastModified, ct);

    /// <summary>Has the test server answer a bare <paramref name="status"/> (with <paramref name="headers"/>) and fetches it.</summary>
    private protected Task<FetchResult> FetchStatusAsync(int status, params (string Name, string Value)[] headers)
    {
        Server.MapStatus("/status", status, headers);
        return FetchAsync("/status");
    }
}
