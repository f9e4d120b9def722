using System.Net;
using System.Text;
using System.Text.Json;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Reliability;

/// <summary>
/// Every write route, as the app's own OpenAPI document lists them, refuses a request without the right key, whatever
/// near miss it presents (the keys are compared as SHA-256 digests with FixedTimeEquals: no prefix, length or case of
/// the key gets anywhere). No timing is measured here; the behaviour is what is checked. The write burst is raised because
/// many refused requests come from one address: the limiter must not answer before the key check.
/// </summary>
public sealed class ApiKeyTests()
    : AppTestBase(new FeedServiceApp(settings: new Dictionary<string, string> { ["FeedService:RateLimits:WriteBurst"] = "100000" }))
{
    /// <summary>
    /// (method, path with its parameters filled in, the media type its body takes) for every POST, PUT and DELETE under /api.
    /// A body of a type the route does not take is refused (415) by routing before any filter runs; it never reaches a handler.
    /// </summary>
    private async Task<List<(HttpMethod Method, string Path, string MediaType)>> WriteRoutesAsync()
    {
        var doc = JsonDocument.Parse(await App.CreateClient().GetStringAsync("/openapi/v1.json"));
        var routes = new List<(HttpMethod, string, string)>();
        foreach (var path in doc.RootElement.GetProperty("paths").EnumerateObject())
        {
            if (!path.Name.StartsWith("/api/", StringComparison.Ordinal)) continue;
            var concrete = System.Text.RegularExpressions.Regex.Replace(path.Name, "\\{(\\w+)[^}]*\\}", m => m.Groups[1].Value == "slug" ? "some-slug" : "1");
            foreach (var op in path.Value.EnumerateObject())
            {
                if (op.Name is not ("post" or "put" or "delete")) continue;
                var mediaType = op.Value.TryGetProperty("requestBody", out var body) ? body.GetProperty("content").EnumerateObject().First().Name : "application/json";
                routes.Add((new HttpMethod(op.Name.ToUpperInvariant()), concrete, mediaType));
            }
        }
        return routes;
    }

    public static TheoryData<string?> WrongAuthorizations()
    {
        var key = FeedServiceApp.ApiKey;
        return new TheoryData<string?>
        {
            null, "", "Bearer", "Bearer ", "Bearer x", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:" + key)), key,
            "Bearer " + key[..^1], "Bearer " + key + "x", "Bearer " + key[..1], "Bearer " + key.ToUpperInvariant(),
            "Bearer " + key + key, "Bearer " + new string('a', 10_000), "Bearer " + key.Replace('0', 'O'),
            "Token " + key, "Bearer " + key.Insert(5, "\u200b"), "Bearer " + "\u202e" + key, "Bearer " + key[1..],
        };
    }

    [Fact]
    public async Task The_openapi_document_lists_every_write_route()
    {
        var routes = (await WriteRoutesAsync()).Select(r => $"{r.Method} {r.Path}").ToList();
        Assert.All(routes, r => Assert.StartsWith("/api/", r.Split(' ')[1], StringComparison.Ordinal));
        foreach (var expected in new[]
                 {
                     "POST /api/posts", "PUT /api/posts/1", "DELETE /api/posts/1", "POST /api/categories", "PUT /api/categories/some-slug",
                     "DELETE /api/categories/some-slug", "POST /api/sources", "PUT /api/sources/1", "DELETE /api/sources/1",
                     "POST /api/sources/1/poll", "POST /api/sources/import",
                 })
            Assert.Contains(expected, routes);
    }

    [Theory]
    [MemberData(nameof(WrongAuthorizations))]
    public async Task Every_write_route_answers_401_to_a_missing_or_wrong_key(string? authorization)
    {
        var client = App.CreateClient();
        await App.CreateCategoryAsync("some-slug");
        foreach (var (method, path, mediaType) in await WriteRoutesAsync())
        {
            var body = mediaType.Contains("json", StringComparison.Ordinal)
                ? "{\"slug\":\"x\",\"name\":\"x\",\"title\":\"t\",\"content\":\"c\",\"categories\":[\"some-slug\"],\"url\":\"http://127.0.0.1:9/\"}"
                : "<opml version=\"2.0\"><body><outline xmlUrl=\"http://127.0.0.1:9/f\"/></body></opml>";
            using var request = new HttpRequestMessage(method, path)
            {
                Content = method == HttpMethod.Delete ? null : new StringContent(body, Encoding.UTF8, mediaType),
            };
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with '{authorization}' answered {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        // Nothing was written by any of them.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/categories/some-slug")).StatusCode);
        Assert.Contains("\"total\":0", await client.GetStringAsync("/api/posts"), StringComparison.Ordinal);
        Assert.Equal("[]", await client.GetStringAsync("/api/sources"));
    }

    [Fact]
    public async Task The_right_key_is_accepted_with_any_scheme_case_and_surrounding_blanks()
    {
        var client = App.CreateClient();
        foreach (var (i, header) in new[] { "Bearer {0}", "bearer {0}", "BEARER  {0} " }.Index())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/categories")
            {
                Content = new StringContent($"{{\"slug\":\"ok-{i}\",\"name\":\"ok\"}}", Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", string.Format(System.Globalization.CultureInfo.InvariantCulture, header, FeedServiceApp.ApiKey));
            Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(request)).StatusCode);
        }
    }
}
