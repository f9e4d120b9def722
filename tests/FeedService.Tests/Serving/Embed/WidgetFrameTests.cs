using System.Net;
using System.Security.Cryptography;
using System.Text;
using FeedService.Tests.Serving.Pages;
using Xunit;

namespace FeedService.Tests.Serving.Embed;

public sealed class WidgetFrameTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Fact]
    public async Task Frame_is_a_styled_html5_document_any_site_may_frame()
    {
        var (response, doc, _) = await site.PageAsync("/embed/tech");
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("html", doc.Doctype!.Name);
        Assert.Equal("en", doc.DocumentElement.GetAttribute("lang"));
        Assert.False(string.IsNullOrWhiteSpace(doc.Title));
        Assert.Empty(doc.QuerySelectorAll("script"));

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors *", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        // The one inline style block is allowed by its hash, and nothing else inline is.
        var style = doc.Head!.QuerySelector("style")!.TextContent;
        Assert.Contains($"style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)))}'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frame_shows_five_posts_by_default_with_links_that_open_a_new_tab()
    {
        var (_, doc, _) = await site.PageAsync("/embed/tech");
        var links = doc.QuerySelectorAll("li a.title");
        Assert.Equal(["Tech post 23", "Tech post 22", "Tech post 21", "Tech post 20", "Tech post 19"], links.Select(a => a.TextContent));
        Assert.All(doc.QuerySelectorAll("a"), a =>
        {
            Assert.Equal("_blank", a.GetAttribute("target"));
            Assert.Equal("noopener", a.GetAttribute("rel"));
        });
        Assert.Empty(doc.QuerySelectorAll(".excerpt"));
        Assert.Equal("2025-01-23T10:00:00Z", doc.QuerySelector("li time")!.GetAttribute("datetime"));
        Assert.Equal(SiteFixture.Absolute("categories/tech"), doc.QuerySelector(".more a")!.GetAttribute("href"));
    }

    [Theory]
    [InlineData("?count=2&excerpt=true", 2, true)]
    [InlineData("?count=50", 23, false)]
    [InlineData("?count=999", 23, false)]
    [InlineData("?count=0", 1, false)]
    [InlineData("?count=abc&excerpt=no", 5, false)]
    public async Task Count_and_excerpt_come_from_the_query(string query, int expected, bool excerpts)
    {
        var (_, doc, _) = await site.PageAsync($"/embed/tech{query}");
        Assert.Equal(expected, doc.QuerySelectorAll("li").Length);
        Assert.Equal(excerpts ? expected : 0, doc.QuerySelectorAll(".excerpt").Length);
    }

    [Fact]
    public async Task A_markup_title_is_escaped_text_in_the_frame()
    {
        var (_, doc, html) = await site.PageAsync("/embed/odd?excerpt=true");
        Assert.Empty(doc.QuerySelectorAll("img, b, [onerror]"));
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.Equal(SiteFixture.XssTitle, doc.QuerySelector("li a.title")!.TextContent);
        Assert.Equal("Excerpt with markup & entities", doc.QuerySelector(".excerpt")!.TextContent);
        Assert.StartsWith(SiteFixture.OddName, doc.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frame_is_cached_with_a_strong_etag_and_304()
    {
        var first = await site.Client.GetAsync("/embed/all?count=3");
        Assert.True(first.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromSeconds(300), first.Headers.CacheControl.MaxAge);
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);
        var conditional = new HttpRequestMessage(HttpMethod.Get, "/embed/all?count=3");
        conditional.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await site.Client.SendAsync(conditional)).StatusCode);
        // Another count is another document.
        Assert.NotEqual(etag, (await site.Client.GetAsync("/embed/all?count=4")).Headers.ETag);
    }

    [Theory]
    [InlineData("/embed/nope")]
    [InlineData("/embed/Tech")]
    public async Task Unknown_frames_are_404(string path) =>
        Assert.Equal(HttpStatusCode.NotFound, (await site.Client.GetAsync(path)).StatusCode);
}
