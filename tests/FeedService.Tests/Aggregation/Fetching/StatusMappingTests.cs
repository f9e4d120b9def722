using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FeedService.Aggregation.Fetching;
using FeedService.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace FeedService.Tests.Aggregation.Fetching;

// A fixed clock makes the HTTP-date form of Retry-After exact. (The fetch's own time limits run on real time.)
public sealed class StatusMappingTests() : FetchTestBase(time: new FakeTimeProvider(Now))
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [Fact]
    public async Task Gone_is_its_own_outcome()
    {
        var result = await FetchStatusAsync(410);

        Assert.Equal(FetchOutcome.Gone, result.Outcome);
        Assert.Equal(410, result.StatusCode);
        Assert.Null(result.Body);
        Assert.Contains("410", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(403)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(206)]
    public async Task Other_statuses_are_http_errors_carrying_the_status(int status)
    {
        var result = await FetchStatusAsync(status);

        Assert.Equal(FetchOutcome.HttpError, result.Outcome);
        Assert.Equal(status, result.StatusCode);
        Assert.Null(result.Body);
        Assert.Contains(status.ToString(CultureInfo.InvariantCulture), result.Error, StringComparison.Ordinal);
        Assert.Null(result.RetryAfter);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Retry_after_in_seconds_is_read(int status)
    {
        var result = await FetchStatusAsync(status, ("Retry-After", "120"));

        Assert.Equal(FetchOutcome.HttpError, result.Outcome);
        Assert.Equal(status, result.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Retry_after_as_an_http_date_is_the_time_until_then(int status)
    {
        var result = await FetchStatusAsync(status, ("Retry-After", HttpDate(Now.AddSeconds(90))));

        Assert.Equal(status, result.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(90), result.RetryAfter);
    }

    [Fact]
    public async Task Retry_after_in_the_past_means_now_and_garbage_means_nothing()
    {
        Assert.Equal(TimeSpan.Zero, (await FetchStatusAsync(429, ("Retry-After", HttpDate(Now.AddHours(-1))))).RetryAfter);
        Assert.Null((await FetchStatusAsync(429, ("Retry-After", "soon-ish"))).RetryAfter);
    }

    [Fact]
    public async Task Cache_control_max_age_and_expires_are_read()
    {
        var expires = Now.AddHours(2);
        Server.MapText("/cached", "<rss/>", headers: [("Cache-Control", "public, max-age=600"), ("Expires", HttpDate(expires))]);
        Server.MapText("/shared", "<rss/>", headers: [("Cache-Control", "s-maxage=300"), ("Expires", "0")]);

        var cached = await FetchAsync("/cached");
        Assert.Equal(TimeSpan.FromSeconds(600), cached.MaxAge);
        Assert.Equal(expires, cached.Expires);

        var shared = await FetchAsync("/shared");
        Assert.Equal(TimeSpan.FromSeconds(300), shared.MaxAge);
        Assert.Equal(DateTimeOffset.MinValue, shared.Expires); // "0" means already expired (RFC 9111 §5.3)
    }

    [Fact]
    public async Task Hints_are_read_on_a_304_too()
    {
        Server.MapStatus("/same", 304, ("ETag", "\"v2\""), ("Cache-Control", "max-age=60"));

        var result = await FetchAsync("/same", etag: "\"v1\"");

        Assert.Equal(FetchOutcome.NotModified, result.Outcome);
        Assert.Equal("\"v2\"", result.ETag);
        Assert.Equal(TimeSpan.FromSeconds(60), result.MaxAge);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task A_closed_port_is_a_network_error_in_one_line()
    {
        var url = new Uri($"http://127.0.0.1:{ClosedPort()}/feed");

        var result = await Fetcher.FetchAsync(url);

        Assert.Equal(FetchOutcome.NetworkError, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.Equal(url, result.FinalUrl);
        Assert.Equal($"connection failed (127.0.0.1:{url.Port}): Connection refused", result.Error);
        Assert.DoesNotContain('\n', result.Error!);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_a_network_error()
    {
        // .invalid never resolves (RFC 6761).
        var result = await Fetcher.FetchAsync(new Uri("http://no-such-host.invalid/feed"));

        Assert.Equal(FetchOutcome.NetworkError, result.Outcome);
        Assert.DoesNotContain('\n', result.Error!);
    }

    [Fact]
    public async Task A_server_that_closes_the_connection_without_answering_is_a_network_error()
    {
        Server.Map("/rude", context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });

        var result = await FetchAsync("/rude");

        Assert.Equal(FetchOutcome.NetworkError, result.Outcome);
        Assert.DoesNotContain('\n', result.Error!);
    }

    [Fact]
    public async Task A_corrupt_compressed_body_is_a_network_error()
    {
        Server.MapResponse("/corrupt", 200, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "application/rss+xml", ("Content-Encoding", "gzip"));

        var result = await FetchAsync("/corrupt");

        Assert.Equal(FetchOutcome.NetworkError, result.Outcome);
        Assert.Contains("decompress", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untrusted_certificate_is_a_network_error()
    {
        await using var tls = await LocalFeedServer.StartAsync(https: true);
        tls.MapText("/feed", "<rss/>");

        var result = await Fetcher.FetchAsync(tls.Url("/feed"));

        Assert.Equal("https", tls.BaseUrl.Scheme);
        Assert.Equal(FetchOutcome.NetworkError, result.Outcome);
        Assert.StartsWith("TLS handshake failed", result.Error, StringComparison.Ordinal);
        Assert.Empty(tls.Requests);
    }

    [Fact]
    public async Task Tls_spoken_to_a_plain_http_server_is_a_network_error()
    {
        Server.MapText("/feed", "<rss/>");

        var result = await Fetcher.FetchAsync(new Uri($"https://127.0.0.1:{Server.Port}/feed"));

        Assert.Equal(FetchOutcome.NetworkError, result.Outcome);
        Assert.DoesNotContain('\n', result.Error!);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:{0}/feed")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ws://127.0.0.1:{0}/feed")]
    public async Task Schemes_other_than_http_and_https_are_refused(string url)
    {
        var result = await Fetcher.FetchAsync(new Uri(string.Format(CultureInfo.InvariantCulture, url, Server.Port)));

        Assert.Equal(FetchOutcome.Refused, result.Outcome);
        Assert.Contains("scheme", result.Error, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task A_relative_url_is_refused()
    {
        var result = await Fetcher.FetchAsync(new Uri("/feed", UriKind.Relative));

        Assert.Equal(FetchOutcome.Refused, result.Outcome);
    }

    [Fact]
    public async Task The_callers_cancellation_throws_instead_of_becoming_a_result()
    {
        Server.Map("/hang", context => Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FetchAsync("/hang", ct: cts.Token));
    }

    private static string HttpDate(DateTimeOffset time) => time.ToString("R", CultureInfo.InvariantCulture);

    private static int ClosedPort()
    {
        // A port that was free a moment ago and has nobody listening now.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
