using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Reliability;

/// <summary>The write API is rate limited per key (or, without a valid key, per client address); reads never are.</summary>
public sealed class WriteRateLimitTests() : AppTestBase(new FeedServiceApp(settings: new Dictionary<string, string>
{
    ["FeedService:Auth:ApiKeys:1"] = SecondKey,
    ["FeedService:RateLimits:WriteBurst"] = "5",
    ["FeedService:RateLimits:WritesPerMinute"] = "60",
}))
{
    private const string SecondKey = "second-key-0123456789abcdef";

    private static HttpRequestMessage NewCategory(string slug, string? key) =>
        new(HttpMethod.Post, "/api/categories")
        {
            Content = JsonContent.Create(new { slug, name = slug }),
            Headers = { Authorization = key is null ? null : new AuthenticationHeaderValue("Bearer", key) },
        };

    [Fact]
    public async Task A_burst_over_the_limit_gets_429_problem_json_with_retry_after_and_another_key_is_not_affected()
    {
        var client = App.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            var ok = await client.SendAsync(NewCategory($"burst-{i}", FeedServiceApp.ApiKey));
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }
        var refused = await client.SendAsync(NewCategory("burst-over", FeedServiceApp.ApiKey));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("RateLimits", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Nothing of the refused request was stored.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/categories/burst-over")).StatusCode);
        // Another key has its own bucket; reads are never limited.
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(NewCategory("other-key", SecondKey))).StatusCode);
        for (var i = 0; i < 30; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/categories")).StatusCode);

        // The bucket refills: one token a second at 60 a minute.
        await Task.Delay(TimeSpan.FromSeconds(retryAfter.Value.TotalSeconds + 0.5));
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(NewCategory("after-wait", FeedServiceApp.ApiKey))).StatusCode);
    }

    [Fact]
    public async Task Guessing_keys_is_limited_too_and_does_not_use_up_the_real_keys_bucket()
    {
        var client = App.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++) statuses.Add((await client.SendAsync(NewCategory($"guess-{i}", $"guess-{i}-0123456789abcdef"))).StatusCode);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), statuses.Take(5));
        Assert.All(statuses.Skip(5), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(NewCategory("real-key", FeedServiceApp.ApiKey))).StatusCode);
    }
}

/// <summary>With RateLimits:Enabled false, nothing is limited.</summary>
public sealed class WriteRateLimitOffTests() : AppTestBase(new FeedServiceApp(settings: new Dictionary<string, string>
{
    ["FeedService:RateLimits:Enabled"] = "false",
    ["FeedService:RateLimits:WriteBurst"] = "1",
}))
{
    [Fact]
    public async Task Writes_are_not_limited()
    {
        var writer = App.Writer();
        for (var i = 0; i < 10; i++)
        {
            var response = await writer.PostAsJsonAsync("/api/categories", new { slug = $"free-{i}", name = "Free" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }
}
