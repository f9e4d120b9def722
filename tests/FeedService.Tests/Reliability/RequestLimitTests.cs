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
        var (status, headers, payload) = await SendOverRawSocketAsync(path, mediaType, body, chunked);
        Assert.Equal(413, status);
        Assert.Contains("application/problem+json", headers, StringComparison.OrdinalIgnoreCase);
        var problem = JsonDocument.Parse(payload).RootElement;
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Contains("4 MiB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The service is still up.
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/healthz")).StatusCode);
    }

    /// <summary>
    /// One request on a raw connection, its answer read while the body is still being sent: the server answers 413 and
    /// closes before taking the whole body, which a client that only reads after sending reports as a broken connection.
    /// </summary>
    private async Task<(int Status, string Headers, string Body)> SendOverRawSocketAsync(string path, string mediaType, byte[] body, bool chunked)
    {
        var address = new Uri(_app.PublicBaseUrl);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {FeedServiceApp.ApiKey}\r\nContent-Type: {mediaType}\r\n"
            + (chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {body.Length}\r\n") + "\r\n";
        var received = new MemoryStream();
        var reading = Task.Run(async () =>
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer)) > 0) received.Write(buffer, 0, read);
            }
            catch (IOException) when (received.Length > 0)
            {
                // Reset after the answer arrived: the answer is what counts.
            }
        });
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            for (var offset = 0; offset < body.Length; offset += 64 * 1024)
            {
                var part = body.AsMemory(offset, Math.Min(64 * 1024, body.Length - offset));
                if (chunked) await stream.WriteAsync(Encoding.ASCII.GetBytes($"{part.Length:x}\r\n"));
                await stream.WriteAsync(part);
                if (chunked) await stream.WriteAsync("\r\n"u8.ToArray());
            }
            if (chunked) await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }
        catch (IOException)
        {
            // The server stopped taking the body: it has answered (or the read below says it did not).
        }
        await reading.WaitAsync(TimeSpan.FromSeconds(30));
        var text = Encoding.UTF8.GetString(received.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no HTTP answer before the connection closed (the server crashed?): '{text}'");
        var headers = text[..split];
        var payload = text[(split + 4)..];
        if (headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) payload = Dechunk(payload);
        return (int.Parse(headers.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, payload);
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var at = 0;
        while (true)
        {
            var end = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..end], 16);
            if (size == 0) return result.ToString();
            result.Append(chunked, end + 2, size);
            at = end + 2 + size + 2;
        }
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
