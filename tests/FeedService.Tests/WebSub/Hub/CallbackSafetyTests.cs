using System.Net;
using System.Text.Json;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.WebSub.Hub;

/// <summary>With private networks not allowed (production), callbacks that lead into them are refused before anything is sent.</summary>
public sealed class CallbackSafetyTests()
    : AppTestBase(new FeedServiceApp(settings: new Dictionary<string, string> { ["FeedService:Aggregation:AllowPrivateNetworks"] = "false" }))
{
    public override Task InitializeAsync() => HubClient.CategoryReadyAsync(App, "tech");

    [Theory]
    [InlineData("http://127.0.0.1:9/cb", "127.0.0.1 is a loopback address")]
    [InlineData("http://localhost:9/cb", "resolves to")]
    [InlineData("http://[::1]:9/cb", "::1 is a loopback address")]
    [InlineData("http://10.1.2.3/cb", "10.1.2.3 is a private address")]
    [InlineData("http://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("http://[::ffff:192.168.0.1]/cb", "private")]
    public async Task Callbacks_on_private_networks_are_refused(string callback, string reason)
    {
        var response = await HubClient.SubscribeAsync(App, HubClient.Topic("tech.atom"), callback);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(reason, problem.RootElement.GetProperty("errors").GetProperty("hub.callback")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(await HubClient.SubscriptionsAsync(App));
    }

    [Fact]
    public async Task A_callback_host_that_does_not_resolve_is_refused()
    {
        var response = await HubClient.SubscribeAsync(App, HubClient.Topic("tech.atom"), "http://no-such-host.invalid/cb");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not resolve", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
