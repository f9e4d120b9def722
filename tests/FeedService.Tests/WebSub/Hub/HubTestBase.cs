using FeedService.Tests.Infrastructure;

namespace FeedService.Tests.WebSub.Hub;

/// <summary>The app's hub and a real <see cref="TestSubscriber"/> on 127.0.0.1 for it to call back, both new for each test.</summary>
public abstract class HubTestBase(FeedServiceApp app) : AppTestBase(app)
{
    protected TestSubscriber Subscriber { get; private set; } = null!;

    public override async Task InitializeAsync() => Subscriber = Own(await TestSubscriber.StartAsync());
}
