namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Zone names found in feed dates. RFC 822 only defines UT/GMT and the US zones, but feeds use many more. Where a name is
/// ambiguous the usual feed meaning wins (CST = US Central, IST = India, BST = British Summer Time).
/// </summary>
internal static class TimeZoneAbbreviations
{
    private static readonly Dictionary<string, TimeSpan> Offsets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Z"] = Hours(0), ["UT"] = Hours(0), ["UTC"] = Hours(0), ["GMT"] = Hours(0), ["ZULU"] = Hours(0), ["WET"] = Hours(0),
        ["EST"] = Hours(-5), ["EDT"] = Hours(-4), ["CST"] = Hours(-6), ["CDT"] = Hours(-5),
        ["MST"] = Hours(-7), ["MDT"] = Hours(-6), ["PST"] = Hours(-8), ["PDT"] = Hours(-7),
        ["AKST"] = Hours(-9), ["AKDT"] = Hours(-8), ["HST"] = Hours(-10), ["AST"] = Hours(-4), ["ADT"] = Hours(-3),
        ["NST"] = Hours(-3.5), ["NDT"] = Hours(-2.5),
        ["BST"] = Hours(1), ["IST"] = Hours(5.5), ["WEST"] = Hours(1),
        ["CET"] = Hours(1), ["CEST"] = Hours(2), ["MET"] = Hours(1), ["MEST"] = Hours(2), ["MEZ"] = Hours(1), ["MESZ"] = Hours(2),
        ["EET"] = Hours(2), ["EEST"] = Hours(3), ["MSK"] = Hours(3),
        ["PKT"] = Hours(5), ["ICT"] = Hours(7), ["WIB"] = Hours(7), ["HKT"] = Hours(8), ["SGT"] = Hours(8), ["AWST"] = Hours(8),
        ["JST"] = Hours(9), ["KST"] = Hours(9), ["ACST"] = Hours(9.5), ["ACDT"] = Hours(10.5),
        ["AEST"] = Hours(10), ["AEDT"] = Hours(11), ["NZST"] = Hours(12), ["NZDT"] = Hours(13),
        ["BRT"] = Hours(-3), ["ART"] = Hours(-3),
    };

    public static bool TryGet(string name, out TimeSpan offset) => Offsets.TryGetValue(name, out offset);

    private static TimeSpan Hours(double hours) => TimeSpan.FromHours(hours);
}
