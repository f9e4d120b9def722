using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FeedService.Tests.Infrastructure;
using FeedService.Tests.Serving.Pages;
using Xunit;

namespace FeedService.Tests.Serving.Embed;

public sealed class WidgetScriptTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    /// <summary>The data literal the server put in the script: `var feed = {...};` on one line.</summary>
    private static JsonElement FeedData(string script)
    {
        const string marker = "var feed = ";
        var start = script.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        Assert.True(start >= marker.Length, "no data literal in the script");
        var end = script.IndexOf(";\n", start, StringComparison.Ordinal);
        return JsonDocument.Parse(script[start..end]).RootElement;
    }

    [Fact]
    public async Task Script_is_javascript_cached_like_a_feed_and_open_to_every_origin()
    {
        var response = await site.Client.GetAsync("/embed/tech.js");
        ResponseAssert.OkForEveryOrigin(response, "text/javascript");
        Assert.Equal("cross-origin", response.Headers.GetValues("Cross-Origin-Resource-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var etag = await ResponseAssert.CachedUnderStrongETagAsync(site.Client, "/embed/tech.js", response);

        var brotli = new HttpRequestMessage(HttpMethod.Get, "/embed/tech.js");
        brotli.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        var compressed = await site.Client.SendAsync(brotli);
        Assert.Equal("br", compressed.Content.Headers.ContentEncoding.Single());
        Assert.Equal($"{etag.Tag[..^1]}-br\"", compressed.Headers.ETag!.Tag);
        await using var decoded = new System.IO.Compression.BrotliStream(await compressed.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(decoded);
        Assert.Equal(await response.Content.ReadAsStringAsync(), await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Script_carries_the_latest_visible_posts_newest_first()
    {
        var script = await site.Client.GetStringAsync("/embed/tech.js");
        var feed = FeedData(script);
        Assert.Equal("tech", feed.GetProperty("slug").GetString());
        Assert.Equal("Tech", feed.GetProperty("title").GetString());
        Assert.Equal(SiteFixture.Absolute("categories/tech"), feed.GetProperty("home").GetString());
        var items = feed.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, SiteFixture.TechPosts).Reverse().Select(i => $"Tech post {i:D2}"), items.Select(i => i.GetProperty("title").GetString()));
        var newest = items[0];
        Assert.Equal("2025-01-23T10:00:00Z", newest.GetProperty("published").GetString());
        Assert.Equal("23 January 2025", newest.GetProperty("date").GetString());
        Assert.Equal("Summary of tech post 23.", newest.GetProperty("excerpt").GetString());
        Assert.Matches(@"^http://feeds\.example\.test/posts/\d+$", newest.GetProperty("url").GetString());
        TextAssert.ContainsNone(script, "Draft post", "Scheduled post");
        // What makes it work when loaded async, and more than once on a page.
        TextAssert.ContainsAll(script, "document.currentScript", "attachShadow");
        Assert.DoesNotContain("innerHTML", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aggregated_posts_link_to_the_original()
    {
        var items = FeedData(await site.Client.GetStringAsync("/embed/news.js")).GetProperty("items");
        Assert.Equal(site.AggregatedLink, items[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task A_markup_title_is_only_ever_inside_a_json_string_with_lt_escaped()
    {
        var script = await site.Client.GetStringAsync("/embed/odd.js");
        Assert.DoesNotContain("<img", script, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", script, StringComparison.Ordinal);
        Assert.DoesNotContain("</script", script, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror=alert(1)>", script, StringComparison.Ordinal);
        Assert.Contains("\"title\":\"\\u003Cimg src=x onerror=alert(1)\\u003E\"", script, StringComparison.Ordinal);
        // Decoded, it is the title exactly, as data.
        var feed = FeedData(script);
        Assert.Equal(SiteFixture.OddName, feed.GetProperty("title").GetString());
        var item = feed.GetProperty("items")[0];
        Assert.Equal(SiteFixture.XssTitle, item.GetProperty("title").GetString());
        Assert.Equal("Excerpt with markup & entities", item.GetProperty("excerpt").GetString());
    }

    [Fact]
    public async Task Line_and_paragraph_separators_are_escaped_for_old_javascript_engines()
    {
        await site.App.CreateCategoryAsync("separators", "Separators");
        await site.App.CreatePostAsync(new { title = "a\u2028b\u2029c", content = "<p>x</p>", categories = new[] { "separators" }, publishedAt = "2025-01-01T00:00:00Z" });
        var script = await site.Client.GetStringAsync("/embed/separators.js");
        Assert.DoesNotContain('\u2028', script);
        Assert.DoesNotContain('\u2029', script);
        Assert.Contains("a\\u2028b\\u2029c", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task All_is_every_category_and_at_most_fifty_posts()
    {
        await site.App.CreateCategoryAsync("many", "Many");
        for (var i = 0; i < 55; i++)
        {
            await site.App.CreatePostAsync(new { title = $"Many {i:D2}", content = "<p>x</p>", categories = new[] { "many" }, publishedAt = $"2026-02-01T10:{i:D2}:00Z" });
        }
        var many = FeedData(await site.Client.GetStringAsync("/embed/many.js")).GetProperty("items");
        Assert.Equal(50, many.GetArrayLength());
        Assert.Equal("Many 54", many[0].GetProperty("title").GetString());
        var all = FeedData(await site.Client.GetStringAsync("/embed/all.js"));
        Assert.Equal("all", all.GetProperty("slug").GetString());
        Assert.Equal(SiteFixture.Absolute(""), all.GetProperty("home").GetString());
        Assert.Equal(50, all.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("/embed/nope.js")]
    [InlineData("/embed/Tech.js")]
    [InlineData("/embed/tech.json")]
    [InlineData("/embed/tech.js.js")]
    [InlineData("/embed/..%2Ftech.js")]
    public async Task Unknown_widgets_are_404_problems(string path)
    {
        var response = await site.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
