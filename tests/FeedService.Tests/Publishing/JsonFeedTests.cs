using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Publishing;

public sealed class JsonFeedTests() : AppTestBase(new FeedServiceApp())
{
    public override async Task InitializeAsync()
    {
        await App.CreateCategoryAsync("tech", "Tech");
        await App.CreateCategoryAsync("life", "Life & Style");
        PostJson last = null!;
        for (var i = 1; i <= 3; i++)
            last = await App.CreatePostAsync(new { title = $"Post {i} <b>&</b>", summary = "<p>Short <em>excerpt</em> &amp; more</p>", content = $"<p>Body {i} <a href=\"/x\">x</a></p>", author = "Ann", categories = new[] { "tech", "life" }, publishedAt = $"2026-03-0{i}T10:00:00Z" });
        foreach (var file in new[] { "tech.json", "tech.rss", "tech.atom", "all.json", "all.rss", "all.atom" })
            await App.WaitForFeedAsync(file, x => x.Contains(last.Guid, StringComparison.Ordinal));
        // A run that started before "life" existed may have labelled it by its slug; the run its creation asked for fixes that.
        await App.RegenerateAsync();
    }

    [Fact]
    public async Task Json_feed_is_valid_1_1_with_the_right_content_type()
    {
        var response = await App.CreateClient().GetAsync("/feeds/tech.json");
        ResponseAssert.OkForEveryOrigin(response, "application/feed+json");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var feed = doc.RootElement;
        Assert.Equal("https://jsonfeed.org/version/1.1", feed.GetProperty("version").GetString());
        Assert.Equal("FeedService: Tech", feed.GetProperty("title").GetString());
        Assert.Equal($"{FeedServiceApp.BaseUrl}/feeds/tech.json", feed.GetProperty("feed_url").GetString());
        Assert.Equal($"{FeedServiceApp.BaseUrl}/categories/tech", feed.GetProperty("home_page_url").GetString());
        Assert.False(feed.TryGetProperty("next_url", out _));
        Assert.Equal($"{FeedServiceApp.BaseUrl}/websub", feed.GetProperty("hubs")[0].GetProperty("url").GetString());
        var items = feed.GetProperty("items");
        Assert.Equal(3, items.GetArrayLength());
        foreach (var item in items.EnumerateArray())
        {
            Assert.Equal(JsonValueKind.String, item.GetProperty("id").ValueKind);
            Assert.StartsWith("urn:uuid:", item.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.True(Uri.IsWellFormedUriString(item.GetProperty("url").GetString(), UriKind.Absolute));
            Assert.Contains($"{FeedServiceApp.BaseUrl}/x", item.GetProperty("content_html").GetString(), StringComparison.Ordinal);
            Assert.Equal("Short excerpt & more", item.GetProperty("summary").GetString());
            Assert.True(DateTimeOffset.TryParseExact(item.GetProperty("date_published").GetString(), "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _));
            Assert.Equal("Ann", item.GetProperty("authors")[0].GetProperty("name").GetString());
            Assert.Equal(["Life & Style", "Tech"], item.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
        }
    }

    [Theory]
    [InlineData("tech")]
    [InlineData("all")]
    public async Task Json_rss_and_atom_carry_the_same_items_in_the_same_order_with_the_same_dates(string slug)
    {
        var client = App.CreateClient();
        using var json = JsonDocument.Parse(await client.GetStringAsync($"/feeds/{slug}.json"));
        var jsonItems = json.RootElement.GetProperty("items").EnumerateArray()
            .Select(i => (Id: i.GetProperty("id").GetString()!, Title: i.GetProperty("title").GetString()!, Published: DateTimeOffset.Parse(i.GetProperty("date_published").GetString()!, CultureInfo.InvariantCulture), Updated: DateTimeOffset.Parse(i.GetProperty("date_modified").GetString()!, CultureInfo.InvariantCulture)))
            .ToList();
        XNamespace atom = "http://www.w3.org/2005/Atom";
        var atomItems = XDocument.Parse(await client.GetStringAsync($"/feeds/{slug}.atom")).Root!.Elements(atom + "entry")
            .Select(e => (Id: e.Element(atom + "id")!.Value, Title: e.Element(atom + "title")!.Value, Published: DateTimeOffset.Parse(e.Element(atom + "published")!.Value, CultureInfo.InvariantCulture), Updated: DateTimeOffset.Parse(e.Element(atom + "updated")!.Value, CultureInfo.InvariantCulture)))
            .ToList();
        var rssItems = XDocument.Parse(await client.GetStringAsync($"/feeds/{slug}.rss")).Root!.Element("channel")!.Elements("item")
            .Select(e => (Id: e.Element("guid")!.Value, Title: e.Element("title")!.Value, Published: DateTimeOffset.ParseExact(e.Element("pubDate")!.Value, "ddd, dd MMM yyyy HH:mm:ss zzzz", CultureInfo.InvariantCulture), Updated: DateTimeOffset.Parse(e.Element(atom + "updated")!.Value, CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(3, jsonItems.Count);
        Assert.Equal(jsonItems, atomItems);
        Assert.Equal(jsonItems, rssItems);
    }
}
