using FeedService.Content;
using Xunit;

namespace FeedService.Tests.Publishing;

public sealed class HtmlContentTests
{
    private readonly HtmlContent _html = new();
    private const string Base = "https://origin.example.com/news/2026/story.html";

    [Theory]
    [InlineData("<script>alert(1)</script><p>ok</p>", "<p>ok</p>")]
    [InlineData("<style>p{color:red}</style><p>ok</p>", "<p>ok</p>")]
    [InlineData("<p style=\"position:fixed\">ok</p>", "<p>ok</p>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe><p>ok</p>", "<p>ok</p>")]
    [InlineData("<object data=\"x.swf\"></object><embed src=\"x.swf\"><p>ok</p>", "<p>ok</p>")]
    [InlineData("<p onclick=\"steal()\" onmouseover=\"x()\">ok</p>", "<p>ok</p>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<a href=\"JaVaScRiPt:alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<form action=\"/x\"><input name=\"q\"><button>go</button></form><p>ok</p>", "<p>ok</p>")]
    [InlineData("<a href=\"data:text/html,<script>alert(1)</script>\">x</a>", "<a>x</a>")]
    [InlineData("<img src=\"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=\">", "<img>")]
    public void Dangerous_markup_is_removed(string input, string expected) =>
        Assert.Equal(expected, _html.Prepare(input, Base));

    [Fact]
    public void Raster_data_images_are_kept()
    {
        const string img = "<img src=\"data:image/png;base64,iVBORw0KGgo=\">";
        Assert.Equal(img, _html.Prepare(img, Base));
    }

    [Theory]
    [InlineData("<a href=\"/about\">a</a>", "<a href=\"https://origin.example.com/about\">a</a>")]
    [InlineData("<a href=\"other.html\">a</a>", "<a href=\"https://origin.example.com/news/2026/other.html\">a</a>")]
    [InlineData("<a href=\"../x\">a</a>", "<a href=\"https://origin.example.com/news/x\">a</a>")]
    [InlineData("<img src=\"//cdn.example.net/p.png\">", "<img src=\"https://cdn.example.net/p.png\">")]
    [InlineData("<a href=\"https://other.example/y\">a</a>", "<a href=\"https://other.example/y\">a</a>")]
    public void Relative_urls_become_absolute(string input, string expected) =>
        Assert.Equal(expected, _html.Prepare(input, Base));

    [Fact]
    public void Xml_illegal_characters_are_removed() =>
        Assert.Equal("<p>ab</p>", _html.Prepare("<p>a\u0001\u001Fb</p>", Base));
}
