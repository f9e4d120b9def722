using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Reliability;

/// <summary>On real Kestrel: a body over the 4 MiB limit is a 413 problem+json (not a 500), and overlong feed names are 404s.</summary>
public sealed class RequestLimitTests : IAsyncLifetime
{
    private FeedServiceApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = new FeedServiceApp(realHttp: true);
        _ = _app.Services; // starts Kestrel
        _client = new HttpClient { BaseAddress = new Uri(_app.PublicBaseUrl) };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FeedServiceApp.ApiKey);
        await _app.CreateCategoryAsync("limits");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/posts", "application/json", false)]
    [InlineData("/api/posts", "application/json", true)]
    [InlineData("/api/categories", "application/json", true)]
    [InlineData("/api/sources/import", "text/x-opml", false)]
    [InlineData("/api/sources/import", "text/x-opml", true)]
    public async Task A_body_over_the_limit_is_413_problem_json(string path, string mediaType, bool chunked)
    {
        var body = Encoding.UTF8.GetBytes((mediaType.Contains("json", StringComparison.Ordinal) ? "{\"title\":\"" : "<opml><body>") + new string('x', 5 * 1024 * 1024));
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (chunked) request.Headers.TransferEncodingChunked = true;
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request);
        }
        catch (HttpRequestException)
        {
            // The server may close the connection before the client has sent everything; that is a refusal too.
            return;
        }
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Contains("4 MiB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(300)]
    [InlineData(5000)]
    public async Task An_overlong_feed_name_is_404_and_never_reaches_the_file_system(int length)
    {
        foreach (var name in new[] { new string('a', length) + ".rss", $"archive/{new string('a', length)}/1.atom" })
        {
            var response = await _client.GetAsync($"/feeds/{name}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
