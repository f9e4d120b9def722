using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FeedService.Tests.Infrastructure;
using FeedService.WebSub.Subscriber;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FeedService.Tests.WebSub;

/// <summary>One FeedService aggregates another over real HTTP: the aggregator subscribes to the publisher's built-in hub and gets new items by push.</summary>
public sealed class FeedServiceToFeedServiceTests
{
    [Fact]
    public async Task An_aggregating_instance_gets_new_items_by_push_not_by_polling()
    {
        await using var publisher = new FeedServiceApp(realHttp: true);
        await using var aggregator = new FeedServiceApp(realHttp: true);
        await publisher.CreateCategoryAsync("origin", "Origin");
        var first = await publisher.CreatePostAsync(new { title = "Before the subscription", content = "<p>1</p>", categories = new[] { "origin" } });
        await publisher.WaitForFeedAsync("origin.atom", x => x.Contains(first.Guid, StringComparison.Ordinal));

        await aggregator.CreateCategoryAsync("mirror", "Mirror");
        var created = await aggregator.Writer().PostAsJsonAsync("/api/sources", new { url = $"{publisher.PublicBaseUrl}/feeds/origin.atom", categories = new[] { "mirror" } });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var sourceId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("source").GetProperty("id").GetInt64();
        await aggregator.WaitForFeedAsync("mirror.atom", x => x.Contains("Before the subscription", StringComparison.Ordinal));

        // The publisher's hub verifies the aggregator's callback; the subscription goes live.
        var pushes = aggregator.Services.GetRequiredService<PushStore>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await pushes.OfSourceAsync(sourceId))?.State != PushState.Active && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(PushState.Active, (await pushes.OfSourceAsync(sourceId))?.State);

        var started = DateTime.UtcNow;
        await publisher.CreatePostAsync(new { title = "After the subscription", content = "<p>2</p>", categories = new[] { "origin" } });
        var mirror = await aggregator.WaitForFeedAsync("mirror.atom", x => x.Contains("After the subscription", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var elapsed = DateTime.UtcNow - started;
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"pushed in {elapsed.TotalMilliseconds:F0} ms");
        Assert.Contains($"{publisher.PublicBaseUrl}/feeds/origin.atom", mirror, StringComparison.Ordinal);

        var source = await aggregator.Writer().GetFromJsonAsync<JsonElement>($"/api/sources/{sourceId}");
        Assert.Equal("Pushed", source.GetProperty("lastOutcome").GetString());
        Assert.True(source.GetProperty("nextPollAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(23), "polling is only a daily safety net while push is live");
    }
}
