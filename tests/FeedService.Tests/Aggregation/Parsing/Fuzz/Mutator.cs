using System.Text;

/// <summary>Seed documents: one of each format the parser reads, with the features worth breaking.</summary>
internal static class Seeds
{
    public static IEnumerable<(string Name, byte[] Bytes)> BuiltIn()
    {
        yield return ("rss2", U8("""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
            <channel><title>Agency &amp; News</title><link>https://agency.example.gov/</link><description>d</description><ttl>60</ttl>
            <atom:link rel="self" href="https://agency.example.gov/feed"/>
            <item><guid isPermaLink="false">a1</guid><title>First &lt;b&gt;bold&lt;/b&gt;</title><link>https://agency.example.gov/a1</link>
            <pubDate>Mon, 02 Nov 2026 09:00:00 GMT</pubDate><dc:creator>Ann</dc:creator><category>gov</category>
            <description>&lt;p&gt;Summary with &lt;a href="/rel"&gt;link&lt;/a&gt;&lt;/p&gt;</description>
            <content:encoded><![CDATA[<p>Body <img src="i.png"> <script>alert(1)</script></p>]]></content:encoded>
            <enclosure url="https://agency.example.gov/a.mp3" length="123" type="audio/mpeg"/></item>
            <item><title>Second</title><link>https://agency.example.gov/a2</link><pubDate>Tue, 03 Nov 2026 10:00:00 +0100</pubDate><description>two</description></item>
            </channel></rss>
            """));
        yield return ("atom", U8("""
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.org/"><title type="text">Blog</title><id>urn:uuid:1</id>
            <updated>2026-11-02T09:00:00Z</updated><link rel="alternate" href="/"/><author><name>Bo</name></author>
            <entry><id>tag:blog.example.org,2026:1</id><title type="html">&lt;em&gt;One&lt;/em&gt;</title><link href="posts/1"/>
            <published>2026-11-01T08:00:00+02:00</published><updated>2026-11-02T09:00:00Z</updated>
            <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Sum</p></div></summary>
            <content type="html">&lt;p&gt;Content&lt;/p&gt;</content><category term="t" label="T"/></entry>
            <entry><id>e2</id><title>Two</title><updated>2026-11-03T09:00:00Z</updated><content type="text">plain</content></entry>
            </feed>
            """));
        yield return ("rdf", U8("""
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel rdf:about="https://x.example/"><title>RDF</title><link>https://x.example/</link><description>d</description></channel>
            <item rdf:about="https://x.example/1"><title>One</title><link>https://x.example/1</link><dc:date>2026-11-01T10:00:00Z</dc:date></item>
            </rdf:RDF>
            """));
        yield return ("rss091", U8("""
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
            <rss version="0.91"><channel><title>Old&nbsp;feed</title><link>http://old.example/</link><description>caf&eacute;</description><language>en</language>
            <item><title>Item &copy; 1999</title><link>http://old.example/1</link><description>x</description></item></channel></rss>
            """));
        yield return ("atom03", U8("""
            <?xml version="1.0" encoding="utf-8"?>
            <feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Atom</title><link rel="alternate" type="text/html" href="http://a.example/"/>
            <modified>2004-01-01T00:00:00Z</modified><entry><title>E</title><link rel="alternate" type="text/html" href="http://a.example/e"/>
            <id>tag:a.example,2004:e</id><issued>2004-01-01T00:00:00Z</issued><modified>2004-01-01T00:00:00Z</modified>
            <content type="text/html" mode="escaped">&lt;p&gt;x&lt;/p&gt;</content></entry></feed>
            """));
        yield return ("json", U8("""
            {"version":"https://jsonfeed.org/version/1.1","title":"JSON","home_page_url":"https://j.example/","feed_url":"https://j.example/feed.json",
             "items":[{"id":"1","url":"https://j.example/1","title":"One","content_html":"<p>x</p>","date_published":"2026-11-01T10:00:00Z",
             "authors":[{"name":"J"}],"tags":["a","b"],"attachments":[{"url":"https://j.example/a.mp3","mime_type":"audio/mpeg","size_in_bytes":10}]},
             {"id":2,"content_text":"two","date_published":"not a date"}]}
            """));
    }

    private static byte[] U8(string s) => Encoding.UTF8.GetBytes(s);
}

/// <summary>Mutations: byte flips, truncation, splices, deep nesting, huge attributes and text, entity expansion, encoding oddities.</summary>
internal static class Mutator
{
    private static readonly string[] Kinds =
    [
        "flip", "flip", "flip", "truncate", "truncate", "splice", "nest-xml", "nest-json", "huge-attribute", "many-attributes",
        "huge-text", "many-items", "billion-laughs", "quadratic-entity", "external-entity", "parameter-entity", "encoding", "encoding",
        "invalid-utf8", "bom", "nul-and-controls", "unterminated", "long-name", "json-types", "namespace", "stack",
    ];

    public static (string Kind, byte[] Doc) Make(Random rng, List<(string Name, byte[] Bytes)> seeds, int index)
    {
        var (name, seed) = seeds[rng.Next(seeds.Count)];
        var kind = Kinds[index % Kinds.Length];
        var isJson = seed.AsSpan().TrimStart((byte)' ').TrimStart((byte)'\n').StartsWith("{"u8) || seed.AsSpan().TrimStart((byte)' ').StartsWith("["u8);
        var doc = kind switch
        {
            "flip" => Flip(rng, seed),
            "truncate" => seed[..rng.Next(0, seed.Length)],
            "splice" => Splice(rng, seed, seeds[rng.Next(seeds.Count)].Bytes),
            "nest-xml" => Insert(rng, seed, Repeat("<a>", rng.Next(1_000, 200_000)) + "x" + (rng.Next(2) == 0 ? Repeat("</a>", 1000) : "")),
            "nest-json" => U8("{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[" + Repeat("[", rng.Next(1_000, 200_000)) + "1" + Repeat("]", rng.Next(0, 100)) + "]}"),
            "huge-attribute" => Insert(rng, seed, $"<x a=\"{new string('A', rng.Next(1 << 20, 8 << 20))}\"/>"),
            "many-attributes" => Insert(rng, seed, "<x " + string.Concat(Enumerable.Range(0, rng.Next(10_000, 100_000)).Select(k => $"a{k}=\"1\" ")) + "/>"),
            "huge-text" => Insert(rng, seed, new string('t', rng.Next(1 << 20, 9 << 20))),
            "many-items" => ManyItems(rng),
            "billion-laughs" => U8(BillionLaughs),
            "quadratic-entity" => U8($"<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"{new string('a', 50_000)}\">]><rss version=\"2.0\"><channel><title>q</title><item><title>{Repeat("&a;", rng.Next(1_000, 20_000))}</title></item></channel></rss>"),
            "external-entity" => U8(ExternalEntity[rng.Next(ExternalEntity.Length)]),
            "parameter-entity" => U8("<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/evil.dtd\"> %p; <!ENTITY % q \"<!ENTITY r 'x'>\"> %q;]><rss version=\"2.0\"><channel><title>&r;</title></channel></rss>"),
            "encoding" => Encoding_(rng, seed),
            "invalid-utf8" => InvalidUtf8(rng, seed),
            "bom" => Bom(rng, seed),
            "nul-and-controls" => Controls(rng, seed),
            "unterminated" => U8(Unterminated[rng.Next(Unterminated.Length)]),
            "long-name" => Insert(rng, seed, $"<{new string('n', rng.Next(100_000, 2_000_000))}>x</n>"),
            "json-types" => U8(JsonOdd[rng.Next(JsonOdd.Length)]),
            "namespace" => U8(NamespaceOdd[rng.Next(NamespaceOdd.Length)]),
            "stack" => Flip(rng, Truncate(rng, Splice(rng, seed, seeds[rng.Next(seeds.Count)].Bytes))),
            _ => seed,
        };
        if (kind is "nest-json" or "json-types") name = "json";
        return ((isJson || kind.StartsWith("json", StringComparison.Ordinal) || kind == "nest-json" ? "json:" : "") + kind + ":" + name, doc);
    }

    private static byte[] U8(string s) => Encoding.UTF8.GetBytes(s);
    private static string Repeat(string s, int n) => new StringBuilder(s.Length * n).Insert(0, s, n).ToString();

    private static byte[] Flip(Random rng, byte[] seed)
    {
        var doc = (byte[])seed.Clone();
        if (doc.Length == 0) return doc;
        for (var n = rng.Next(1, 20); n > 0; n--) doc[rng.Next(doc.Length)] = rng.Next(3) switch
        {
            0 => (byte)rng.Next(256),
            1 => (byte)(doc[rng.Next(doc.Length)] ^ (1 << rng.Next(8))),
            _ => "<>&\"';]/!?\0"u8[rng.Next(11)],
        };
        return doc;
    }

    private static byte[] Truncate(Random rng, byte[] seed) => seed[..rng.Next(0, seed.Length + 1)];

    private static byte[] Splice(Random rng, byte[] a, byte[] b)
    {
        var at = rng.Next(a.Length + 1);
        var from = rng.Next(b.Length + 1);
        var len = rng.Next(0, b.Length - from + 1);
        return [.. a[..at], .. b.AsSpan(from, len), .. a[at..]];
    }

    /// <summary>Inserts text right after an item/entry start (or anywhere), where readers look hardest.</summary>
    private static byte[] Insert(Random rng, byte[] seed, string text)
    {
        var s = Encoding.UTF8.GetString(seed);
        var anchors = new[] { "<item>", "<entry>", "<title>", "<channel>", "\"items\":[" };
        var anchor = anchors.Where(a => s.Contains(a, StringComparison.Ordinal)).OrderBy(_ => rng.Next()).FirstOrDefault();
        var at = anchor is null ? rng.Next(s.Length + 1) : s.IndexOf(anchor, StringComparison.Ordinal) + anchor.Length;
        return U8(s[..at] + text + s[at..]);
    }

    private static byte[] ManyItems(Random rng)
    {
        var n = rng.Next(2_000, 15_000);   // far more than any real feed
        var sb = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>many</title>");
        for (var k = 0; k < n; k++) sb.Append("<item><title>").Append(k).Append("</title><pubDate>bad ").Append(k).Append("</pubDate></item>");
        return U8(sb.Append("</channel></rss>").ToString());
    }

    private static byte[] Encoding_(Random rng, byte[] seed)
    {
        var s = Encoding.UTF8.GetString(seed);
        string[] names = ["utf-16", "UTF-32", "ebcdic-cp-us", "shift_jis", "x-unknown-42", "windows-1252", "iso-2022-jp", "utf-7", "", "\"", "utf-8\u0000"];
        var declared = System.Text.RegularExpressions.Regex.Replace(s, "encoding=\"[^\"]*\"", $"encoding=\"{names[rng.Next(names.Length)]}\"");
        if (!declared.Contains("encoding=", StringComparison.Ordinal)) declared = $"<?xml version=\"1.0\" encoding=\"{names[rng.Next(names.Length)]}\"?>" + declared;
        return rng.Next(4) switch
        {
            0 => Encoding.Unicode.GetBytes(declared),
            1 => Encoding.BigEndianUnicode.GetBytes(declared),
            2 => Encoding.Latin1.GetBytes(declared.Replace("e", "\u00e9", StringComparison.Ordinal)),
            _ => U8(declared),
        };
    }

    private static byte[] InvalidUtf8(Random rng, byte[] seed)
    {
        byte[][] bad = [[0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFF], [0xFE], [0x80], [0xC3], [0xF4, 0x90, 0x80, 0x80]];
        var doc = new List<byte>(seed);
        for (var n = rng.Next(1, 30); n > 0; n--) doc.InsertRange(rng.Next(doc.Count + 1), bad[rng.Next(bad.Length)]);
        return [.. doc];
    }

    private static byte[] Bom(Random rng, byte[] seed)
    {
        byte[][] boms = [[0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF], [0xFF, 0xFE, 0, 0], [0, 0, 0xFE, 0xFF], [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF], [0x2B, 0x2F, 0x76]];
        return [.. boms[rng.Next(boms.Length)], .. seed];
    }

    private static byte[] Controls(Random rng, byte[] seed)
    {
        var doc = new List<byte>(seed);
        for (var n = rng.Next(1, 50); n > 0; n--) doc.Insert(rng.Next(doc.Count + 1), (byte)rng.Next(0, 32));
        return [.. doc];
    }

    private const string BillionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
        <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
        <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
        <rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>
        """;

    private static readonly string[] ExternalEntity =
    [
        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><rss version=\"2.0\"><channel><title>&x;</title><item><title>&x;</title></item></channel></rss>",
        "<?xml version=\"1.0\"?><!DOCTYPE feed [<!ENTITY x SYSTEM \"http://127.0.0.1:9/secret\">]><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>&x;</title><entry><id>1</id><title>&x;</title></entry></feed>",
        "<?xml version=\"1.0\"?><!DOCTYPE rss SYSTEM \"http://127.0.0.1:9/x.dtd\"><rss version=\"2.0\"><channel><title>t</title></channel></rss>",
        "<?xml version=\"1.0\"?><?xml-stylesheet href=\"file:///etc/passwd\"?><rss version=\"2.0\" xmlns:xi=\"http://www.w3.org/2001/XInclude\"><channel><title><xi:include href=\"file:///etc/passwd\" parse=\"text\"/></title></channel></rss>",
    ];

    private static readonly string[] Unterminated =
    [
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item><title><![CDATA[never ends",
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><!-- comment that never ends <item><title>x</title></item>",
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item><title>x</title><description>&lt;p&gt;open",
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title a=\"never",
        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"never ends ",
        "<?xml version=\"1.0\"?><?pi never ends",
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"title\":\"never ends",
        "<", "<?", "<?xml", "{", "[", "\"", "&", "<rss", "<feed xmlns=\"http://www.w3.org/2005/Atom\"",
    ];

    private static readonly string[] JsonOdd =
    [
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":1e999999,\"items\":[{\"id\":1e400,\"date_published\":123}]}",
        "{\"version\":\"https://jsonfeed.org/version/1\",\"title\":\"\\ud800\\udc00\\ud800\",\"items\":[{\"id\":\"\\u0000\",\"title\":\"\\udfff\"}]}",
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":{\"not\":\"an array\"}}",
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[null,1,\"x\",[],{}],\"title\":[\"array\"]}",
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"a\",\"title\":\"b\",\"items\":[{\"id\":\"1\",\"id\":\"2\",\"url\":\"javascript:alert(1)\"}]}",
        "[{\"version\":\"https://jsonfeed.org/version/1.1\"}]",
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\",\"attachments\":[{\"url\":\"x\",\"size_in_bytes\":-1e30}],\"authors\":\"me\"}]}",
        "{\"version\":\"https://jsonfeed.org/version/1.1\"," + "\"k\":0," + "\"items\":[]} trailing garbage {",
        "\uFEFF{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[/* comment */]}",
    ];

    private static readonly string[] NamespaceOdd =
    [
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item><dc:creator>undeclared prefix</dc:creator><title>x</title></item></channel></rss>",
        "<?xml version=\"1.0\"?><a:feed xmlns:a=\"http://www.w3.org/2005/Atom\"><a:entry xmlns:a=\"urn:other\"><a:title>redefined</a:title></a:entry></a:feed>",
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns=\"urn:dup\"><title>dup</title></feed>",
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:xml=\"urn:not-allowed\"><channel><title xml:lang=\"\u0001\">t</title></channel></rss>",
        "<?xml version=\"1.1\"?><rss version=\"2.0\"><channel><title>&#x1;&#0;&#xD800;&#99999999;</title></channel></rss>",
        "<?xml version=\"1.0\" standalone=\"maybe\"?><rss version=\"9.9\"><channel><channel><channel><title>t</title></channel></channel></channel></rss>",
    ];
}
