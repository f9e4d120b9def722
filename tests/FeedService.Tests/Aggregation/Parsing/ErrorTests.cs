using System.Text;
using FeedService.Aggregation.Parsing;
using Xunit;

namespace FeedService.Tests.Aggregation.Parsing;

/// <summary>Documents that are not feeds at all get a one-line Error rather than an exception.</summary>
public sealed class ErrorTests
{
    [Theory]
    [InlineData("", "empty document")]
    [InlineData("   \n ", "empty document")]
    [InlineData("<!DOCTYPE html><html><head><title>Blog</title></head><body></body></html>", "HTML page")]
    [InlineData("<html><body>hello</body></html>", "HTML page")]
    [InlineData("<?xml version=\"1.0\"?><note><to>Tove</to></note>", "unknown root element <note>")]
    [InlineData("{\"hello\": \"world\"}", "not a feed")]
    [InlineData("{\"verion\": \"1.0\"", "not a feed")]
    [InlineData("{ nope", "invalid JSON")]
    [InlineData("just some text", "no root element")]
    public void Not_a_feed_gives_a_one_line_error(string document, string expected)
    {
        var error = Parse.Error(document);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(42);
        for (var k = 0; k < 200; k++)
        {
            var body = new byte[random.Next(64, 400)];
            random.NextBytes(body);
            if (k % 2 == 0) Encoding.ASCII.GetBytes("<rss version=\"2.0\"><channel><item><title>").CopyTo(body, 0);
            var result = FeedParser.Parse(body, k % 3 == 0 ? "text/xml; charset=utf-16" : null, Parse.DocumentUrl);
            Assert.True(result.Feed is not null ^ result.Error is not null);
        }
    }

    [Fact]
    public void The_document_url_must_be_absolute()
    {
        Assert.Throws<ArgumentException>(() => FeedParser.Parse([1], null, new Uri("/feed", UriKind.Relative)));
    }
}
