using FeedService.Aggregation.Parsing;
using Xunit;

namespace FeedService.Tests.Aggregation.Parsing;

/// <summary>The date formats found in real feeds, all returned as UTC.</summary>
public sealed class DateTests
{
    [Theory]
    // RFC 822 / 1123 and their zone names
    [InlineData("Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 UTC", "2003-06-10T04:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 UT", "2003-06-10T04:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 Z", "2003-06-10T04:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 EST", "2003-06-10T09:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 EDT", "2003-06-10T08:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 CST", "2003-06-10T10:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 PDT", "2003-06-10T11:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 PST", "2003-06-10T12:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 CET", "2003-06-10T03:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 CEST", "2003-06-10T02:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 JST", "2003-06-09T19:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 +0200", "2003-06-10T02:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 -0730", "2003-06-10T11:30:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 +02:00", "2003-06-10T02:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 GMT+0100", "2003-06-10T03:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00 GMT (Coordinated Universal Time)", "2003-06-10T04:00:00Z")]
    // Variations: missing seconds, day name, zone; "Sept"; full names; 2-digit years; odd spacing and case
    [InlineData("Tue, 10 Jun 2003 04:00 GMT", "2003-06-10T04:00:00Z")]
    [InlineData("10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z")]
    [InlineData("Tue, 10 Jun 2003 04:00:00", "2003-06-10T04:00:00Z")]
    [InlineData("Wed, 17 Sept 2008 10:00:00 +0000", "2008-09-17T10:00:00Z")]
    [InlineData("Wednesday, 17 September 2008 10:00:00 GMT", "2008-09-17T10:00:00Z")]
    [InlineData("Tue, 10 Jun 03 04:00:00 GMT", "2003-06-10T04:00:00Z")]
    [InlineData("Sun, 19 May 98 12:00:00 GMT", "1998-05-19T12:00:00Z")]
    [InlineData("Tue,10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z")]
    [InlineData("  tue, 1 jun 2003   4:05:06   gmt ", "2003-06-01T04:05:06Z")]
    [InlineData("Thurs, 12 Jun 2003 04:00:00 GMT", "2003-06-12T04:00:00Z")]
    [InlineData("10-Jun-2003 04:00:00 +0000", "2003-06-10T04:00:00Z")]
    [InlineData("Jun 10, 2003 04:00 PM EST", "2003-06-10T21:00:00Z")]
    [InlineData("June 5th, 2004 12:30 am", "2004-06-05T00:30:00Z")]
    [InlineData("Tue Jun 10 2003 04:00:00 GMT+0000 (Coordinated Universal Time)", "2003-06-10T04:00:00Z")]
    [InlineData("Tue Jun 10 04:00:00 UTC 2003", "2003-06-10T04:00:00Z")]
    // ISO 8601 / RFC 3339 variants
    [InlineData("2003-12-13T18:30:02Z", "2003-12-13T18:30:02Z")]
    [InlineData("2003-12-13T18:30:02.25Z", "2003-12-13T18:30:02.25Z")]
    [InlineData("2003-12-13T18:30:02+01:00", "2003-12-13T17:30:02Z")]
    [InlineData("2003-12-13T18:30:02-0500", "2003-12-13T23:30:02Z")]
    [InlineData("2003-12-13T18:30Z", "2003-12-13T18:30:00Z")]
    [InlineData("2003-12-13T18:30:02", "2003-12-13T18:30:02Z")]
    [InlineData("2003-12-13 18:30:02", "2003-12-13T18:30:02Z")]
    [InlineData("2003-12-13 18:30:02 +0100", "2003-12-13T17:30:02Z")]
    [InlineData("2003-12-13", "2003-12-13T00:00:00Z")]
    [InlineData("20031213T183002Z", "2003-12-13T18:30:02Z")]
    [InlineData("2003/12/13 18:30", "2003-12-13T18:30:00Z")]
    [InlineData("2019-10-12T07:20:50.52Z", "2019-10-12T07:20:50.52Z")]
    public void Feed_dates_in_many_formats_are_read_as_utc(string text, string expected)
    {
        Assert.True(FeedDates.TryParse(text, out var value), $"could not read '{text}'");
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Theory]
    [InlineData("Foo")]
    [InlineData("")]
    [InlineData("32 Jun 2003 04:00:00 GMT")]
    [InlineData("Tue, 10 Foo 2003 04:00:00 GMT")]
    [InlineData("2003-13-45T99:99:99Z")]
    [InlineData("yesterday")]
    public void Garbage_is_not_a_date(string text) => Assert.False(FeedDates.TryParse(text, out _));

    [Fact]
    public void An_unparseable_date_is_reported_and_the_item_kept()
    {
        var feed = Parse.Feed(Parse.Rss("""
            <item><title>a</title><pubDate>Foo</pubDate></item>
            <item><title>b</title><pubDate>Sat, 07 Sep 2002 00:00:01 GMT</pubDate></item>
            """));
        Assert.Equal(["a", "b"], feed.Items.Select(i => i.Title));
        Assert.Null(feed.Items[0].Published);
        Assert.Equal(Parse.Utc(2002, 9, 7, 0, 0, 1), feed.Items[1].Published);
        Assert.Contains("item 1: unparseable date 'Foo'", feed.Problems);
    }

    [Fact]
    public void Rfc_822_dates_inside_atom_are_read()
    {
        var entry = Parse.SingleItem(Parse.Atom("""
            <entry><id>1</id><title>t</title><updated>Sat, 07 Sep 2002 00:00:01 EST</updated><published>07 Sep 2002 00:00 GMT</published></entry>
            """));
        Assert.Equal(Parse.Utc(2002, 9, 7, 5, 0, 1), entry.Updated);
        Assert.Equal(Parse.Utc(2002, 9, 7), entry.Published);
    }

    [Fact]
    public void A_bad_atom_date_does_not_lose_the_entry()
    {
        var feed = Parse.Feed(Parse.Atom("""
            <entry><id>1</id><title>bad</title><updated>not a date</updated></entry>
            <entry><id>2</id><title>good</title><updated>2024-02-03T04:05:06Z</updated></entry>
            """));
        Assert.Equal(["bad", "good"], feed.Items.Select(i => i.Title));
        Assert.Null(feed.Items[0].Updated);
        Assert.Contains("item 1: unparseable date 'not a date'", feed.Problems);
    }
}
