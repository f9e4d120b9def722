using System.IO.Compression;
using System.Text;
using FeedService.Aggregation.Fetching;
using Xunit;

namespace FeedService.Tests.Aggregation.Fetching;

public sealed class ConditionalGetTests() : FetchTestBase
{
    private const string Feed = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>";

    [Fact]
    public async Task A_200_then_a_304_with_the_validators_sent_back_byte_for_byte()
    {
        // Deliberately odd validators: a weak tag with spaces and a date HttpClient would re-format if it parsed it.
        const string etag = "W/\"v1 \\ odd\"";
        const string lastModified = "Tue, 03 Feb 2026 04:05:06 GMT";
        Server.MapFeed("/feed", Feed, etag, lastModified);

        var first = await FetchAsync("/feed");
        Assert.Equal(FetchOutcome.Ok, first.Outcome);
        Assert.Equal(200, first.StatusCode);
        Assert.Equal(Feed, Encoding.UTF8.GetString(first.Body!));
        Assert.Equal("application/rss+xml; charset=utf-8", first.ContentType);
        Assert.Equal(etag, first.ETag);
        Assert.Equal(lastModified, first.LastModified);
        Assert.Equal(Server.Url("/feed"), first.FinalUrl);
        Assert.Null(first.PermanentUrl);
        Assert.Null(first.Error);
        Assert.Null(Server.RequestsTo("/feed")[0].Header("If-None-Match"));
        Assert.Null(Server.RequestsTo("/feed")[0].Header("If-Modified-Since"));

        var second = await FetchAsync("/feed", first.ETag, first.LastModified);
        Assert.Equal(FetchOutcome.NotModified, second.Outcome);
        Assert.Equal(304, second.StatusCode);
        Assert.Null(second.Body);
        Assert.Equal(etag, second.ETag);
        var conditional = Server.RequestsTo("/feed")[1];
        Assert.Equal(etag, conditional.Header("If-None-Match"));
        Assert.Equal(lastModified, conditional.Header("If-Modified-Since"));
    }

    [Fact]
    public async Task An_unquoted_etag_and_a_non_standard_date_are_kept_and_echoed_untouched()
    {
        Server.MapResponse("/odd", 200, Encoding.UTF8.GetBytes(Feed), "text/xml",
            ("ETag", "abc123"), ("Last-Modified", "2026-02-03 04:05:06"));

        var first = await FetchAsync("/odd");
        Assert.Equal(("abc123", "2026-02-03 04:05:06"), (first.ETag, first.LastModified));

        await FetchAsync("/odd", first.ETag, first.LastModified);
        var echoed = Server.RequestsTo("/odd")[1];
        Assert.Equal("abc123", echoed.Header("If-None-Match"));
        Assert.Equal("2026-02-03 04:05:06", echoed.Header("If-Modified-Since"));
    }

    [Fact]
    public async Task Sends_an_honest_user_agent_and_an_accept_header_listing_feed_types()
    {
        Server.MapText("/feed", Feed);
        await FetchAsync("/feed");

        var request = Server.RequestsTo("/feed").Single();
        Assert.Equal("GET", request.Method);
        Assert.Equal($"FeedService/0.1.0 (+{TestFetcher.SiteUrl})", request.Header("User-Agent"));
        Assert.Equal(Fetcher.Fetcher.UserAgent, request.Header("User-Agent"));
        var accept = request.Header("Accept")!;
        Assert.StartsWith("application/rss+xml, application/atom+xml, application/feed+json", accept, StringComparison.Ordinal);
        Assert.Contains("text/html;q=0.5", accept, StringComparison.Ordinal);
        Assert.EndsWith("*/*;q=0.1", accept, StringComparison.Ordinal);
        var encodings = request.Header("Accept-Encoding")!.Split(',', StringSplitOptions.TrimEntries);
        Assert.Superset(new HashSet<string> { "gzip", "deflate", "br" }, encodings.ToHashSet());
        Assert.Null(request.Header("Cookie"));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task Compressed_bodies_are_decoded(string encoding)
    {
        var plain = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Feed, 50)));
        Server.MapResponse("/packed", 200, Compress(plain, encoding), "application/atom+xml", ("Content-Encoding", encoding));

        var result = await FetchAsync("/packed");

        Assert.Equal(FetchOutcome.Ok, result.Outcome);
        Assert.Equal(plain, result.Body);
        Assert.Equal("application/atom+xml", result.ContentType);
    }

    internal static byte[] Compress(byte[] plain, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
            _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
        })
        {
            compressor.Write(plain);
        }
        return output.ToArray();
    }
}
