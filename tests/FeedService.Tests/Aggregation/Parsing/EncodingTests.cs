using System.Text;
using Xunit;

namespace FeedService.Tests.Aggregation.Parsing;

/// <summary>
/// The encoding comes from the BOM, then the HTTP charset, then the XML prolog, except that valid UTF-8 wins over a
/// declared legacy charset and bytes that are not UTF-8 are never read as UTF-8.
/// </summary>
public sealed class EncodingTests
{
    private const string Title = "Café crème – “naïve” €";

    static EncodingTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static byte[] Document(string declared, Encoding actual, string title = Title) =>
        actual.GetBytes($"<?xml version=\"1.0\" encoding=\"{declared}\"?><rss version=\"2.0\"><channel><title>{title}</title></channel></rss>");

    private static Encoding Windows1252 => Encoding.GetEncoding(1252);

    [Fact]
    public void Windows_1252_declared_and_true()
    {
        var feed = Parse.Feed(Document("windows-1252", Windows1252));
        Assert.Equal(Title, feed.Title);
        Assert.Empty(feed.Problems);
    }

    [Fact]
    public void Iso_8859_1_declared_and_true()
    {
        var feed = Parse.Feed(Document("ISO-8859-1", Encoding.Latin1, "Café crème naïve"));
        Assert.Equal("Café crème naïve", feed.Title);
        Assert.Empty(feed.Problems);
    }

    [Fact]
    public void Iso_8859_1_label_reads_windows_1252_punctuation_as_browsers_do()
    {
        Assert.Equal(Title, Parse.Feed(Document("iso-8859-1", Windows1252)).Title);
    }

    [Fact]
    public void Utf8_declared_but_actually_latin1_is_read_as_windows_1252()
    {
        var feed = Parse.Feed(Document("utf-8", Windows1252));
        Assert.Equal(Title, feed.Title);
        Assert.Contains(feed.Problems, p => p.Contains("not valid UTF-8", StringComparison.Ordinal));
    }

    [Fact]
    public void No_declaration_and_latin1_bytes_are_read_as_windows_1252()
    {
        var body = Windows1252.GetBytes($"<rss version=\"2.0\"><channel><title>{Title}</title></channel></rss>");
        Assert.Equal(Title, Parse.Feed(body).Title);
    }

    [Fact]
    public void Latin1_declared_but_actually_utf8_is_read_as_utf8()
    {
        var feed = Parse.Feed(Document("ISO-8859-1", new UTF8Encoding(false)));
        Assert.Equal(Title, feed.Title);
        Assert.Contains(feed.Problems, p => p.Contains("valid UTF-8", StringComparison.Ordinal));
    }

    [Fact]
    public void Http_charset_wins_over_the_prolog()
    {
        var body = Document("utf-8", Encoding.GetEncoding("koi8-r"), "Привет");
        Assert.Equal("Привет", Parse.Feed(body, "application/rss+xml; charset=KOI8-R").Title);
    }

    [Fact]
    public void A_wrong_http_charset_falls_back_to_the_prolog_when_the_bytes_are_not_utf8()
    {
        var body = Document("windows-1251", Encoding.GetEncoding(1251), "Привет");
        Assert.Equal("Привет", Parse.Feed(body, "text/xml; charset=utf-8").Title);
    }

    [Fact]
    public void The_bom_wins_over_every_declaration()
    {
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Document("iso-8859-1", new UnicodeEncoding(false, false))).ToArray();
        Assert.Equal(Title, Parse.Feed(utf16, "text/xml; charset=iso-8859-1").Title);
        var utf8 = Encoding.UTF8.GetPreamble().Concat(Document("windows-1252", new UTF8Encoding(false))).ToArray();
        Assert.Equal(Title, Parse.Feed(utf8).Title);
    }

    [Fact]
    public void Utf16_without_a_bom_is_recognised()
    {
        Assert.Equal(Title, Parse.Feed(Document("utf-16", new UnicodeEncoding(bigEndian: true, byteOrderMark: false))).Title);
    }

    [Fact]
    public void An_unknown_charset_name_is_ignored()
    {
        Assert.Equal(Title, Parse.Feed(Document("x-no-such-charset", new UTF8Encoding(false)), "text/xml; charset=bogus").Title);
    }

    [Fact]
    public void A_utf16_declaration_on_single_byte_text_is_ignored()
    {
        Assert.Equal(Title, Parse.Feed(Document("UTF-16", new UTF8Encoding(false))).Title);
        Assert.Equal(Title, Parse.Feed(Document("utf-8", new UTF8Encoding(false)), "text/xml; charset=utf-16").Title);
    }
}
