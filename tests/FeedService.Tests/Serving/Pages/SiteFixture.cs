using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Serving.Pages;

/// <summary>
/// One app per test class with a known site: "tech" (23 visible posts, a draft, a scheduled post), "odd" (a category
/// and a post whose names are markup), "news" (one post aggregated from a real feed on 127.0.0.1) and "empty".
/// </summary>
public sealed class SiteFixture : IAsyncLifetime
{
    public const string XssTitle = "<img src=x onerror=alert(1)>";
    public const string OddName = "Odd <b>\"names\"</b> & 'quotes'";
    public const int TechPosts = 23;

    public FeedServiceApp App { get; } = new();
    public HttpClient Client { get; private set; } = null!;
    public LocalFeedServer Upstream { get; private set; } = null!;
    public long LocalPostId { get; private set; }
    public long XssPostId { get; private set; }
    public long DraftId { get; private set; }
    public long ScheduledId { get; private set; }
    public long AggregatedId { get; private set; }
    public string AggregatedLink => "https://agency.example.gov/news/a1";

    public async Task InitializeAsync()
    {
        Client = App.CreateClient();
        await App.CreateCategoryAsync("tech", "Tech");
        await App.CreateCategoryAsync("odd", OddName);
        await App.CreateCategoryAsync("news", "News");
        await App.CreateCategoryAsync("empty", "Empty");

        for (var i = 1; i <= TechPosts; i++)
        {
            var post = await App.CreatePostAsync(new
            {
                title = $"Tech post {i:D2}",
                summary = $"<p>Summary of tech post {i:D2}.</p>",
                content = i == 1
                    ? """<p>Full <strong>body</strong> with <a href="/docs/guide">a relative link</a> and <img src="https://images.example.org/a.png" alt="chart"></p><script>alert(2)</script><p onclick="alert(3)">Click</p>"""
                    : $"<p>Body of tech post {i:D2}.</p>",
                categories = new[] { "tech" },
                publishedAt = $"2025-01-{i:D2}T10:00:00Z",
            });
            if (i == 1) LocalPostId = post.Id;
        }
        DraftId = (await App.CreatePostAsync(new { title = "Draft post", content = "<p>Not yet</p>", categories = new[] { "tech" }, status = "draft", publishedAt = "2025-02-01T10:00:00Z" })).Id;
        ScheduledId = (await App.CreatePostAsync(new { title = "Scheduled post", content = "<p>Later</p>", categories = new[] { "tech" }, publishedAt = "2099-01-01T10:00:00Z" })).Id;
        XssPostId = (await App.CreatePostAsync(new
        {
            title = XssTitle,
            summary = "<p>Excerpt with <img src=x onerror=alert(4)> markup & <script>alert(5)</script>entities</p>",
            content = "<p>Body<img src=x onerror=alert(6)></p>",
            categories = new[] { "odd" },
            publishedAt = "2025-03-01T10:00:00Z",
        })).Id;

        Upstream = await LocalFeedServer.StartAsync();
        Upstream.MapFeed("/feed.xml", """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
            <title>Agency News</title><link>https://agency.example.gov/</link><description>d</description>
            <item><guid isPermaLink="false">a1</guid><title>Agency announcement</title><link>https://agency.example.gov/news/a1</link>
            <pubDate>Mon, 02 Jun 2025 09:00:00 GMT</pubDate><description>&lt;p&gt;The agency's excerpt.&lt;/p&gt;</description>
            <content:encoded><![CDATA[<p>The agency's full article, which stays on the agency's site.</p>]]></content:encoded></item>
            </channel></rss>
            """);
        var response = await App.Writer().PostAsJsonAsync("/api/sources", new { url = Upstream.Url("/feed.xml").AbsoluteUri, categories = new[] { "news" } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var news = await Client.GetFromJsonAsync<JsonElement>("/api/posts?category=news");
        AggregatedId = news.GetProperty("items")[0].GetProperty("id").GetInt64();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    public static string Absolute(string path) => $"{FeedServiceApp.BaseUrl}/{path.TrimStart('/')}";

    /// <summary>GETs a page that must be there and parses it strictly: any HTML parse error fails the test.</summary>
    public async Task<(HttpResponseMessage Response, IHtmlDocument Document, string Html)> PageAsync(string path)
    {
        var response = await Client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {html}");
        return (response, Parse(html), html);
    }

    public static IHtmlDocument Parse(string html)
    {
        try
        {
            return new HtmlParser(new HtmlParserOptions { IsStrictMode = true }).ParseDocument(html);
        }
        catch (HtmlParseException e)
        {
            throw new Xunit.Sdk.XunitException($"HTML parse error at {e.Position.Line}:{e.Position.Column}: {e.Message}\n{html}");
        }
    }
}
