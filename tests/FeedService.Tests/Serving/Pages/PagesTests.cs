using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Html.Dom;
using Xunit;

namespace FeedService.Tests.Serving.Pages;

public sealed class PagesTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    private static readonly string[] FeedTypes = ["application/rss+xml", "application/atom+xml", "application/feed+json"];

    private static string FeedUrl(string slug, string type) => SiteFixture.Absolute($"feeds/{slug}.{type switch
    {
        "application/rss+xml" => "rss",
        "application/atom+xml" => "atom",
        _ => "json",
    }}");

    private static List<(string Type, string Href, string Title)> Alternates(IHtmlDocument doc) =>
        [.. doc.Head!.QuerySelectorAll("link[rel=alternate]").Select(l => (l.GetAttribute("type")!, l.GetAttribute("href")!, l.GetAttribute("title")!))];

    private static void AssertFeedLinks(IHtmlDocument doc, params string[] slugs)
    {
        var links = Alternates(doc);
        foreach (var slug in slugs)
        {
            foreach (var type in FeedTypes)
            {
                Assert.Contains(links, l => l.Type == type && l.Href == FeedUrl(slug, type) && l.Title.Length > 0);
            }
        }
    }

    [Fact]
    public async Task Home_has_autodiscovery_for_all_and_every_category()
    {
        var (_, doc, _) = await site.PageAsync("/");
        AssertFeedLinks(doc, "all", "tech", "odd", "news", "empty");
        Assert.Equal(15, Alternates(doc).Count);
        Assert.Contains(Alternates(doc), l => l is { Type: "application/rss+xml", Title: "FeedService (RSS)" });
    }

    [Fact]
    public async Task Category_page_has_autodiscovery_for_its_own_feeds_only()
    {
        var (_, doc, _) = await site.PageAsync("/categories/tech");
        AssertFeedLinks(doc, "tech");
        Assert.Equal(3, Alternates(doc).Count);
        Assert.Contains(Alternates(doc), l => l is { Type: "application/atom+xml", Title: "FeedService: Tech (Atom)" });
    }

    [Fact]
    public async Task Post_page_has_autodiscovery_for_its_categories()
    {
        var (_, doc, _) = await site.PageAsync($"/posts/{site.LocalPostId}");
        AssertFeedLinks(doc, "tech");
        var (_, aggregated, _) = await site.PageAsync($"/posts/{site.AggregatedId}");
        AssertFeedLinks(aggregated, "news");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/categories/tech")]
    [InlineData("/categories/tech?page=3")]
    [InlineData("/categories/odd")]
    [InlineData("/categories/empty")]
    [InlineData("/posts/LOCAL")]
    [InlineData("/posts/AGGREGATED")]
    [InlineData("/posts/XSS")]
    public async Task Pages_are_well_formed_html5_with_security_headers(string path)
    {
        path = path.Replace("LOCAL", $"{site.LocalPostId}", StringComparison.Ordinal).Replace("AGGREGATED", $"{site.AggregatedId}", StringComparison.Ordinal).Replace("XSS", $"{site.XssPostId}", StringComparison.Ordinal);
        var (response, doc, html) = await site.PageAsync(path);

        Assert.StartsWith("<!DOCTYPE html>\n", html, StringComparison.Ordinal);
        Assert.Equal("html", doc.Doctype!.Name);
        Assert.Equal("en", doc.DocumentElement.GetAttribute("lang"));
        Assert.Equal("utf-8", doc.Head!.QuerySelector("meta[charset]")!.GetAttribute("charset"));
        Assert.Contains("width=device-width", doc.Head.QuerySelector("meta[name=viewport]")!.GetAttribute("content"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(doc.Title));
        Assert.Single(doc.QuerySelectorAll("h1"));
        Assert.Single(doc.QuerySelectorAll("main"));
        Assert.Empty(doc.QuerySelectorAll("script"));
        Assert.Empty(doc.QuerySelectorAll("[style]"));
        Assert.Equal(SiteFixture.Absolute("assets/site.css"), doc.Head.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!.Split('?')[0]);
        // Every link is absolute, on the configured base URL or elsewhere on the web; never javascript:.
        foreach (var a in doc.QuerySelectorAll("a[href], link[href]"))
        {
            Assert.True(Uri.TryCreate(a.GetAttribute("href"), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", a.OuterHtml);
        }

        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Home_lists_categories_with_visible_post_counts_and_their_feeds()
    {
        var (_, doc, _) = await site.PageAsync("/");
        var items = doc.QuerySelectorAll(".categories li").ToDictionary(li => li.QuerySelector("h2 a")!.TextContent, li => li);
        Assert.Equal(["Empty", "News", SiteFixture.OddName, "Tech"], items.Keys.ToArray());
        // The draft and the scheduled post are not counted.
        Assert.Equal($"{SiteFixture.TechPosts} posts", items["Tech"].QuerySelector(".count")!.TextContent);
        Assert.Equal("1 post", items["News"].QuerySelector(".count")!.TextContent);
        Assert.Equal("0 posts", items["Empty"].QuerySelector(".count")!.TextContent);
        Assert.Equal(SiteFixture.Absolute("categories/tech"), items["Tech"].QuerySelector("h2 a")!.GetAttribute("href"));
        Assert.Equal(FeedTypes.Select(t => FeedUrl("tech", t)), items["Tech"].QuerySelectorAll("a.feed").Select(a => a.GetAttribute("href")!));
        Assert.Contains($"All {SiteFixture.TechPosts + 2} posts", doc.QuerySelector("#everything")!.ParentElement!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(doc.QuerySelector($"a[href='{SiteFixture.Absolute("feeds.opml")}']"));
    }

    [Fact]
    public async Task Category_archive_is_paginated_ten_a_page_newest_first_with_prev_and_next()
    {
        var seen = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var (_, doc, _) = await site.PageAsync(page == 1 ? "/categories/tech" : $"/categories/tech?page={page}");
            Assert.Equal("Category Archives: Tech", doc.QuerySelector("h1")!.TextContent);
            var articles = doc.QuerySelectorAll("article.post-summary");
            Assert.Equal(page < 3 ? 10 : 3, articles.Length);
            foreach (var article in articles)
            {
                var title = article.QuerySelector("h2 a")!;
                seen.Add(title.TextContent);
                var more = article.QuerySelector("a.more")!;
                Assert.StartsWith("Continue Reading", more.TextContent, StringComparison.Ordinal);
                Assert.Equal(title.GetAttribute("href"), more.GetAttribute("href"));
                Assert.Matches(@"^http://feeds\.example\.test/posts/\d+$", more.GetAttribute("href")!);
                Assert.NotNull(article.QuerySelector("time[datetime]"));
                Assert.StartsWith("Summary of tech post", article.QuerySelector(".excerpt")!.TextContent, StringComparison.Ordinal);
            }

            string? Link(string selector) => doc.QuerySelector(selector)?.GetAttribute("href");
            var prev = page switch { 1 => null, 2 => SiteFixture.Absolute("categories/tech"), _ => SiteFixture.Absolute($"categories/tech?page={page - 1}") };
            var next = page < 3 ? SiteFixture.Absolute($"categories/tech?page={page + 1}") : null;
            Assert.Equal(prev, Link("head link[rel=prev]"));
            Assert.Equal(prev, Link("nav.pagination a[rel=prev]"));
            Assert.Equal(next, Link("head link[rel=next]"));
            Assert.Equal(next, Link("nav.pagination a[rel=next]"));
            Assert.Equal(page == 1 ? SiteFixture.Absolute("categories/tech") : SiteFixture.Absolute($"categories/tech?page={page}"), Link("head link[rel=canonical]"));
        }
        Assert.Equal(Enumerable.Range(1, SiteFixture.TechPosts).Reverse().Select(i => $"Tech post {i:D2}"), seen);
        Assert.DoesNotContain("Draft post", seen);
        Assert.DoesNotContain("Scheduled post", seen);
    }

    [Fact]
    public async Task Empty_category_has_one_page_without_pagination()
    {
        var (_, doc, _) = await site.PageAsync("/categories/empty");
        Assert.Empty(doc.QuerySelectorAll("article"));
        Assert.Null(doc.QuerySelector("nav.pagination"));
        Assert.Contains("Nothing has been published", doc.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/categories/nope")]
    [InlineData("/categories/all")]
    [InlineData("/categories/Tech")]
    [InlineData("/categories/tech?page=4")]
    [InlineData("/categories/tech?page=0")]
    [InlineData("/categories/tech?page=-1")]
    [InlineData("/categories/tech?page=abc")]
    [InlineData("/categories/empty?page=2")]
    [InlineData("/posts/999999")]
    [InlineData("/posts/abc")]
    [InlineData("/posts/DRAFT")]
    [InlineData("/posts/SCHEDULED")]
    public async Task Unknown_pages_are_404_problem_json_for_clients_and_html_for_browsers(string path)
    {
        path = path.Replace("DRAFT", $"{site.DraftId}", StringComparison.Ordinal).Replace("SCHEDULED", $"{site.ScheduledId}", StringComparison.Ordinal);
        var problem = await site.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", problem.Headers.GetValues("X-Content-Type-Options").Single());

        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        var page = await site.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var doc = SiteFixture.Parse(await page.Content.ReadAsStringAsync());
        Assert.Equal("Not found", doc.QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public async Task Drafts_and_scheduled_posts_are_on_no_page()
    {
        foreach (var path in new[] { "/", "/categories/tech", "/categories/tech?page=2", "/categories/tech?page=3" })
        {
            var (_, _, html) = await site.PageAsync(path);
            Assert.DoesNotContain("Draft post", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Scheduled post", html, StringComparison.Ordinal);
            Assert.DoesNotContain($"/posts/{site.DraftId}\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain($"/posts/{site.ScheduledId}\"", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Local_post_page_shows_the_full_sanitized_html_with_absolute_links()
    {
        var (_, doc, html) = await site.PageAsync($"/posts/{site.LocalPostId}");
        Assert.Equal("Tech post 01", doc.QuerySelector("h1")!.TextContent);
        var content = doc.QuerySelector("article .content")!;
        Assert.Equal(SiteFixture.Absolute("docs/guide"), content.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("https://images.example.org/a.png", content.QuerySelector("img")!.GetAttribute("src"));
        Assert.Equal("body", content.QuerySelector("strong")!.TextContent);
        Assert.DoesNotContain("alert", html, StringComparison.Ordinal);
        Assert.Null(content.QuerySelector("[onclick]"));
        Assert.Equal(SiteFixture.Absolute($"posts/{site.LocalPostId}"), doc.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
        Assert.Equal(SiteFixture.Absolute("categories/tech"), doc.QuerySelector(".meta a")!.GetAttribute("href"));
        Assert.Equal("2025-01-01T10:00:00Z", doc.QuerySelector(".meta time")!.GetAttribute("datetime"));
        Assert.Null(doc.QuerySelector(".original"));
    }

    [Fact]
    public async Task Aggregated_post_page_shows_the_excerpt_and_links_the_original()
    {
        var (_, doc, _) = await site.PageAsync($"/posts/{site.AggregatedId}");
        Assert.Equal("Agency announcement", doc.QuerySelector("h1")!.TextContent);
        var original = doc.QuerySelector(".original a")!;
        Assert.Equal(site.AggregatedLink, original.GetAttribute("href"));
        Assert.Equal("Read the original at agency.example.gov", original.TextContent);
        Assert.Equal("The agency's excerpt.", doc.QuerySelector("article .content")!.TextContent.Trim());
        Assert.DoesNotContain("full article", doc.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Republished from Agency News", doc.QuerySelector("article")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(site.AggregatedLink, doc.QuerySelector("link[rel=canonical]")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Markup_in_titles_and_names_is_shown_as_text_on_every_page()
    {
        foreach (var path in new[] { "/", "/categories/odd", $"/posts/{site.XssPostId}" })
        {
            var (_, doc, html) = await site.PageAsync(path);
            Assert.Empty(doc.QuerySelectorAll("img[src=x], [onerror], script, b"));
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
            Assert.DoesNotContain("alert(", doc.Body!.QuerySelectorAll("*").SelectMany(e => e.Attributes).Select(a => a.Value));
            // The names are there, as text.
            Assert.Contains(SiteFixture.OddName, doc.Body.TextContent, StringComparison.Ordinal);
            if (path != "/") Assert.Contains(SiteFixture.XssTitle, doc.Body.TextContent, StringComparison.Ordinal);
        }
        var (_, post, _) = await site.PageAsync($"/posts/{site.XssPostId}");
        Assert.Equal(SiteFixture.XssTitle, post.QuerySelector("h1")!.TextContent);
        Assert.StartsWith(SiteFixture.XssTitle, post.Title, StringComparison.Ordinal);
        var (_, odd, _) = await site.PageAsync("/categories/odd");
        Assert.Equal($"Category Archives: {SiteFixture.OddName}", odd.QuerySelector("h1")!.TextContent);
        Assert.Contains(Alternates(odd), l => l.Title == $"FeedService: {SiteFixture.OddName} (RSS)");
        Assert.Equal("Excerpt with markup & entities", odd.QuerySelector(".excerpt")!.FirstChild!.TextContent.Trim());
    }

    [Fact]
    public async Task Pages_have_an_etag_and_answer_304_when_unchanged()
    {
        var first = await site.Client.GetAsync("/categories/tech");
        Assert.False(first.Headers.ETag!.IsWeak);
        Assert.True(first.Headers.CacheControl!.NoCache);
        var again = new HttpRequestMessage(HttpMethod.Get, "/categories/tech");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag);
        var second = await site.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_answers_like_get_without_a_body()
    {
        var response = await site.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task Stylesheet_is_served_with_an_etag_and_304()
    {
        var (_, doc, _) = await site.PageAsync("/");
        var href = doc.Head!.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!;
        var response = await site.Client.GetAsync(new Uri(href).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.CacheControl!.Public);
        Assert.Contains("max-width", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var etag = response.Headers.ETag!;
        Assert.False(etag.IsWeak);

        var conditional = new HttpRequestMessage(HttpMethod.Get, "/assets/site.css");
        conditional.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await site.Client.SendAsync(conditional)).StatusCode);

        var gzip = new HttpRequestMessage(HttpMethod.Get, "/assets/site.css");
        gzip.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var compressed = await site.Client.SendAsync(gzip);
        Assert.Equal("gzip", compressed.Content.Headers.ContentEncoding.Single());
        Assert.NotEqual(etag, compressed.Headers.ETag);
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
    }

    [Fact]
    public async Task Icon_is_an_svg_that_runs_nothing_with_an_etag()
    {
        var (_, doc, _) = await site.PageAsync("/");
        var href = doc.Head!.QuerySelector("link[rel=icon]")!.GetAttribute("href")!;
        Assert.StartsWith(SiteFixture.Absolute("assets/icon.svg"), href, StringComparison.Ordinal);
        var response = await site.Client.GetAsync(new Uri(href).PathAndQuery);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.DoesNotContain("<script", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
