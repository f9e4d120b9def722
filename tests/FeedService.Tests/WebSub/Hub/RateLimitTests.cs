using System.Net;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.WebSub.Hub;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Requests_beyond_the_limit_get_429_with_retry_after()
    {
        await using var app = new FeedServiceApp(settings: new Dictionary<string, string>
        {
            ["FeedService:WebSub:RateLimit:PermitLimit"] = "2",
            ["FeedService:WebSub:RateLimit:Window"] = "00:01:00",
        });
        var topic = HubClient.Topic("none.atom");
        // Counted before the request is read: refused requests count too.
        Assert.Equal(HttpStatusCode.NotFound, (await HubClient.SubscribeAsync(app, topic, "http://127.0.0.1:9/cb")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await HubClient.SubscribeAsync(app, topic, "http://127.0.0.1:9/cb")).StatusCode);

        var limited = await HubClient.SubscribeAsync(app, topic, "http://127.0.0.1:9/cb");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

        // Only the hub is limited.
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/api/categories")).StatusCode);
    }
}
