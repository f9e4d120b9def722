using FeedService.Aggregation.Parsing;
using Xunit;

namespace FeedService.Tests.Aggregation.Parsing;

/// <summary>The text repair before XML parsing: exact edits where a flaw is, and a clean document left as it came.</summary>
public sealed class XmlTextRepairTests
{
    private static string Repair(string text) => XmlTextRepair.Repair(text, new ProblemLog());

    [Fact]
    public void A_document_that_needs_no_repair_is_returned_without_a_copy()
    {
        var text = "<rss version=\"2.0\"><channel><title>A &amp; B &lt;i&gt; &#233; &#x1F600;</title>"
            + "<description><![CDATA[<p>x & y</p>]]></description></channel></rss>";
        Assert.Same(text, Repair(text));
    }

    [Fact]
    public void The_prologue_is_dropped_and_nothing_else()
    {
        var body = "<rss><channel><title>t</title></channel></rss>";
        Assert.Equal(body, Repair("\uFEFF  \n<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + body));
    }

    [Theory]
    [InlineData("<a>&nbsp;&mdash;</a>", "<a>&#160;&#8212;</a>")]
    [InlineData("<a>Fish & Chips &bogus; &amp; ?a=1&b=2</a>", "<a>Fish &amp; Chips &amp;bogus; &amp; ?a=1&amp;b=2</a>")]
    [InlineData("<a>&#146;quoted&#147;</a>", "<a>&#8217;quoted&#8220;</a>")]
    [InlineData("<a>&#0;x&#xD800;y&#x110000;z</a>", "<a>xyz</a>")]
    [InlineData("<a>&#;&#x;&;&#12345678901;</a>", "<a>&amp;#;&amp;#x;&amp;;&amp;#12345678901;</a>")]
    [InlineData("<a><!-- c -->x<?pi y?></a>", "<a>x</a>")]
    [InlineData("<!DOCTYPE rss [<!ENTITY e \"a>b\">]><rss>&e;</rss>", "<rss>&amp;e;</rss>")]
    [InlineData("<a><![CDATA[&nbsp; <b> \u0002]]>&nbsp;</a>", "<a><![CDATA[&nbsp; <b> ]]>&#160;</a>")]
    [InlineData("<a><![CDATA[unterminated &nbsp;", "<a><![CDATA[unterminated &nbsp;")]
    public void Each_flaw_is_repaired_in_place(string text, string expected) => Assert.Equal(expected, Repair(text));

    [Fact]
    public void Lone_surrogates_and_controls_are_removed_and_pairs_kept()
    {
        // Not an InlineData case: attribute strings are stored as UTF-8, which cannot hold a lone surrogate.
        var text = "<a>\u0001x" + '\uD800' + "y\uD83D\uDE00" + '\uDC00' + "</a>";
        Assert.Equal("<a>xy\uD83D\uDE00</a>", Repair(text));
    }

    [Fact]
    public void Repairs_are_reported()
    {
        var problems = new ProblemLog();
        XmlTextRepair.Repair("<a>\u0001&#0;&bogus;&nbsp;</a>", problems);
        Assert.Equal(["removed 2 character(s) that XML does not allow", "unknown entities kept as text: &bogus;"], problems.ToList());
    }
}
