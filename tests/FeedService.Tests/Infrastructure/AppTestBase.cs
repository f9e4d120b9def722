using Xunit;

namespace FeedService.Tests.Infrastructure;

/// <summary>
/// A test class over its own <see cref="FeedServiceApp"/>, made with the settings the class passes in. xunit makes a new
/// instance for each test, so each test gets a fresh app; what else a class starts for a test (servers, subscribers) it
/// hands to <see cref="Own"/>. After the test the app is disposed first, then the rest, last started first.
/// </summary>
public abstract class AppTestBase(FeedServiceApp app) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    protected FeedServiceApp App { get; } = app;

    /// <summary>Arranges what every test of the class starts from (categories, posts, servers); nothing by default.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
    }

    /// <summary>Has <paramref name="resource"/> disposed after the test; returns it.</summary>
    protected T Own<T>(T resource) where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }
}
