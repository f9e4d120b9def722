using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Posts;

public sealed class AuthoringApiTests() : AppTestBase(new FeedServiceApp())
{
    private HttpClient _anonymous = null!;
    private HttpClient _writer = null!;
    private PostJson _post = null!;

    public override async Task InitializeAsync()
    {
        _anonymous = App.CreateClient();
        _writer = App.Writer();
        await App.CreateCategoryAsync("tech", "Tech");
        await App.CreateCategoryAsync("life", "Life");
        _post = await App.CreatePostAsync(new { title = "First", summary = "<p>s</p>", content = "<p>c</p>", author = "Ann", categories = new[] { "tech" }, publishedAt = "2026-11-26T10:00:00Z" });
    }

    public static TheoryData<string, string> WriteRoutes() => new()
    {
        { "POST", "/api/categories" },
        { "PUT", "/api/categories/tech" },
        { "DELETE", "/api/categories/tech" },
        { "POST", "/api/posts" },
        { "PUT", "/api/posts/1" },
        { "DELETE", "/api/posts/1" },
    };

    [Theory]
    [MemberData(nameof(WriteRoutes))]
    public async Task Every_write_route_refuses_a_missing_or_wrong_key_and_changes_nothing(string method, string path)
    {
        var before = await Snapshot();
        foreach (var auth in new AuthenticationHeaderValue?[] { null, new("Bearer", "wrong-key-0123456789"), new("Basic", FeedServiceApp.ApiKey), new("Bearer", FeedServiceApp.ApiKey + "x") })
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = new StringContent("""{"slug":"hack","name":"Hack","title":"t","content":"c","categories":["tech"]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = auth;
            var response = await _anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task Bad_post_gets_400_naming_every_bad_field_and_stores_nothing()
    {
        var before = await Snapshot();
        var response = await _writer.PostAsJsonAsync("/api/posts", new { title = "", content = "", categories = new[] { "Not A Slug" }, publishedAt = "yesterday", link = "javascript:alert(1)", status = "live" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "title", "content", "categories", "publishedAt", "link", "status" })
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task Unknown_category_is_400_and_malformed_json_is_400()
    {
        var unknown = await _writer.PostAsJsonAsync("/api/posts", new { title = "t", content = "c", categories = new[] { "tech", "ghost" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("ghost", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var malformed = await _writer.PostAsync("/api/posts", new StringContent("{\"title\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType!.MediaType);

        var wrongType = await _writer.PostAsync("/api/posts", new StringContent("{\"title\": 5}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("title", await wrongType.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var notJson = await _writer.PostAsync("/api/posts", new StringContent("title=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        Assert.Equal("application/problem+json", notJson.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Duplicate_category_slug_is_409_and_keeps_the_original()
    {
        var response = await _writer.PostAsJsonAsync("/api/categories", new { slug = "tech", name = "Other" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var tech = await _anonymous.GetFromJsonAsync<JsonElement>("/api/categories/tech");
        Assert.Equal("Tech", tech.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("Has Spaces")]
    [InlineData("UPPER")]
    [InlineData("all")]
    [InlineData("../etc")]
    [InlineData("-lead")]
    [InlineData("")]
    public async Task Bad_category_slugs_are_400(string slug)
    {
        var response = await _writer.PostAsJsonAsync("/api/categories", new { slug, name = "X" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("slug", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/posts/999999")]
    [InlineData("PUT", "/api/posts/999999")]
    [InlineData("DELETE", "/api/posts/999999")]
    [InlineData("GET", "/api/categories/ghost")]
    [InlineData("PUT", "/api/categories/ghost")]
    [InlineData("DELETE", "/api/categories/ghost")]
    public async Task Unknown_ids_are_404_problem_json(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = JsonContent.Create(new { name = "n", title = "t", content = "c", categories = new[] { "tech" } }),
        };
        var response = await _writer.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Created_post_has_location_permanent_guid_and_defaults()
    {
        var response = await _writer.PostAsJsonAsync("/api/posts", new { title = "Defaults", content = "<p>x</p>", categories = new[] { "life" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var post = (await response.Content.ReadFromJsonAsync<PostJson>())!;
        Assert.Equal($"/api/posts/{post.Id}", response.Headers.Location!.OriginalString);
        Assert.StartsWith("urn:uuid:", post.Guid, StringComparison.Ordinal);
        Assert.Equal($"{FeedServiceApp.BaseUrl}/posts/{post.Id}", post.Link);
        Assert.Equal("published", post.Status);
        Assert.Equal("", post.Summary);
    }

    [Fact]
    public async Task Put_replaces_fields_but_never_the_guid()
    {
        var response = await _writer.PutAsJsonAsync($"/api/posts/{_post.Id}", new { title = "Renamed", content = "<p>new</p>", categories = new[] { "life" }, publishedAt = "2026-11-26T10:00:00Z", link = "https://example.org/a" });
        response.EnsureSuccessStatusCode();
        var updated = (await response.Content.ReadFromJsonAsync<PostJson>())!;
        Assert.Equal(_post.Guid, updated.Guid);
        Assert.Equal("Renamed", updated.Title);
        Assert.Equal(["life"], updated.Categories);
        Assert.Equal("https://example.org/a", updated.Link);
        var feed = await App.WaitForFeedAsync("life.atom", x => x.Contains("Renamed", StringComparison.Ordinal));
        Assert.Contains(_post.Guid, feed, StringComparison.Ordinal);
        await App.WaitForFeedAsync("tech.atom", x => !x.Contains(_post.Guid, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Drafts_stay_out_of_feeds_and_public_reads_until_published()
    {
        var draft = await App.CreatePostAsync(new { title = "Secret draft", content = "<p>x</p>", categories = new[] { "tech" }, status = "draft" });
        await App.RegenerateAsync();
        Assert.DoesNotContain(draft.Guid, await _anonymous.GetStringAsync("/feeds/tech.rss"), StringComparison.Ordinal);
        Assert.DoesNotContain(draft.Guid, await _anonymous.GetStringAsync("/feeds/all.atom"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _anonymous.GetAsync($"/api/posts/{draft.Id}")).StatusCode);
        Assert.DoesNotContain("Secret draft", await _anonymous.GetStringAsync("/api/posts?category=tech"), StringComparison.Ordinal);
        Assert.Contains("Secret draft", await _writer.GetStringAsync("/api/posts?category=tech"), StringComparison.Ordinal);

        var publish = await _writer.PutAsJsonAsync($"/api/posts/{draft.Id}", new { title = "Secret draft", content = "<p>x</p>", categories = new[] { "tech" }, status = "published", publishedAt = "2026-11-26T11:00:00Z" });
        publish.EnsureSuccessStatusCode();
        await App.WaitForFeedAsync("tech.rss", x => x.Contains(draft.Guid, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listing_pages_newest_first_and_filters_by_category()
    {
        for (var i = 0; i < 3; i++)
            await App.CreatePostAsync(new { title = $"Life {i}", content = "<p>x</p>", categories = new[] { "life" }, publishedAt = $"2025-01-0{i + 1}T00:00:00Z" });
        var page = await _anonymous.GetFromJsonAsync<JsonElement>("/api/posts?category=life&page=1&pageSize=2");
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(["Life 2", "Life 1"], page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("title").GetString()!).ToArray());
        var second = await _anonymous.GetFromJsonAsync<JsonElement>("/api/posts?category=life&page=2&pageSize=2");
        Assert.Equal("Life 0", second.GetProperty("items")[0].GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await _anonymous.GetAsync("/api/posts?page=0")).StatusCode);
    }

    [Fact]
    public async Task Category_crud_and_rename_reaches_the_feed()
    {
        var list = await _anonymous.GetFromJsonAsync<JsonElement>("/api/categories");
        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("slug").GetString() == "tech");
        var put = await _writer.PutAsJsonAsync("/api/categories/tech", new { name = "Technology", description = "All things tech" });
        put.EnsureSuccessStatusCode();
        await App.WaitForFeedAsync("tech.rss", x => x.Contains("<title>FeedService: Technology</title>", StringComparison.Ordinal));
        var slugChange = await _writer.PutAsJsonAsync("/api/categories/tech", new { slug = "other", name = "Technology" });
        Assert.Equal(HttpStatusCode.BadRequest, slugChange.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_category_removes_its_feeds_but_keeps_its_posts()
    {
        await App.CreateCategoryAsync("temp");
        var post = await App.CreatePostAsync(new { title = "In temp", content = "<p>x</p>", categories = new[] { "temp", "life" } });
        await App.WaitForFeedAsync("temp.rss", x => x.Contains(post.Guid, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, (await _writer.DeleteAsync("/api/categories/temp")).StatusCode);
        await App.WaitForFeedAsync("life.rss", x => x.Contains(post.Guid, StringComparison.Ordinal) && !x.Contains("<category>temp", StringComparison.Ordinal));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await _anonymous.GetAsync("/feeds/temp.rss")).StatusCode != HttpStatusCode.NotFound && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(HttpStatusCode.NotFound, (await _anonymous.GetAsync("/feeds/temp.rss")).StatusCode);
        await App.WaitForFeedFolderAsync();
        Assert.False(File.Exists(Path.Combine(App.FeedsFolder, "temp.rss")));
        Assert.False(File.Exists(Path.Combine(App.FeedsFolder, "temp.atom.gz")));
        Assert.Equal(HttpStatusCode.OK, (await _anonymous.GetAsync($"/api/posts/{post.Id}")).StatusCode);
    }

    [Fact]
    public async Task Openapi_document_is_served()
    {
        var doc = await _anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/posts", out _));
    }

    private async Task<string> Snapshot() =>
        await _writer.GetStringAsync("/api/posts?pageSize=100") + await _writer.GetStringAsync("/api/categories");
}
