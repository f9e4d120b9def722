using System.Text.Json;
using System.Xml.Linq;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.WebSub.Publisher;

public sealed class HubAdvertisingTests
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    [Fact]
    public async Task Every_feed_names_the_built_in_hub_and_itself_in_the_document_and_the_link_header()
    {
        await using var app = new FeedServiceApp();
        await app.CreateCategoryAsync("tech");
        var post = await app.CreatePostAsync(new { title = "Hub", content = "<p>x</p>", categories = new[] { "tech" } });
        var hub = $"{FeedServiceApp.BaseUrl}/websub";
        foreach (var file in new[] { "tech.atom", "tech.rss", "tech.json", "all.atom" })
        {
            var body = await app.WaitForFeedAsync(file, x => x.Contains(post.Guid, StringComparison.Ordinal));
            var self = $"{FeedServiceApp.BaseUrl}/feeds/{file}";
            if (file.EndsWith(".json", StringComparison.Ordinal))
            {
                var hubs = JsonDocument.Parse(body).RootElement.GetProperty("hubs");
                Assert.Equal("WebSub", hubs[0].GetProperty("type").GetString());
                Assert.Equal(hub, hubs[0].GetProperty("url").GetString());
            }
            else
            {
                var links = XDocument.Parse(body).Descendants(Atom + "link").ToList();
                Assert.Equal(hub, (string?)links.Single(l => (string?)l.Attribute("rel") == "hub").Attribute("href"));
                Assert.Equal(self, (string?)links.Single(l => (string?)l.Attribute("rel") == "self").Attribute("href"));
            }
            var response = await app.CreateClient().GetAsync($"/feeds/{file}");
            Assert.Equal($"<{hub}>; rel=\"hub\", <{self}>; rel=\"self\"", response.Headers.GetValues("Link").Single());
        }
    }

    [Fact]
    public async Task Configured_hubs_replace_the_built_in_one_and_are_pinged_with_retries_on_every_change()
    {
        await using var hubServer = await LocalFeedServer.StartAsync();
        var calls = 0;
        var pings = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var modes = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        hubServer.Map("/hub", async ctx =>
        {
            // Recorded here, asserted by the test: an assert failing in the handler would only become a 500 for the pinger.
            var form = await ctx.Request.ReadFormAsync();
            modes.Enqueue(form["hub.mode"]);
            // The first ping fails: the pinger must retry.
            if (Interlocked.Increment(ref calls) == 1) { ctx.Response.StatusCode = 503; return; }
            pings.Enqueue(form["hub.url"]!);
            ctx.Response.StatusCode = 204;
        });
        await using var app = new FeedServiceApp(settings: new Dictionary<string, string>
        {
            ["FeedService:WebSub:Hubs:0"] = hubServer.Url("/hub").AbsoluteUri,
            ["FeedService:WebSub:FirstRetryDelay"] = "00:00:00.200",
        });
        await app.CreateCategoryAsync("tech");
        var post = await app.CreatePostAsync(new { title = "Ping", content = "<p>x</p>", categories = new[] { "tech" } });
        var atom = await app.WaitForFeedAsync("tech.atom", x => x.Contains(post.Guid, StringComparison.Ordinal));
        Assert.Contains($"<link rel=\"hub\" href=\"{hubServer.Url("/hub")}\" />", atom, StringComparison.Ordinal);
        Assert.DoesNotContain($"{FeedServiceApp.BaseUrl}/websub", atom, StringComparison.Ordinal);

        var expected = new[] { "tech.rss", "tech.atom", "tech.json", "all.rss", "all.atom", "all.json" }.Select(f => $"{FeedServiceApp.BaseUrl}/feeds/{f}").ToHashSet();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!expected.IsSubsetOf(pings) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Subset(pings.ToHashSet(), expected);
        Assert.True(calls > pings.Count, "the failed ping was retried");
        Assert.All(modes, mode => Assert.Equal("publish", mode));
        Assert.All(hubServer.RequestsTo("/hub"), r => Assert.StartsWith("application/x-www-form-urlencoded", r.Header("Content-Type"), StringComparison.Ordinal));
    }
}
