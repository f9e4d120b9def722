using System.Globalization;
using System.Security;
using System.Text;

namespace FeedService.Bench;

/// <summary>
/// A fixed, seeded corpus of realistic feeds for the benchmarks: RSS 2.0 and Atom 1.0 documents of news-like items
/// with ~1.5 KB HTML bodies (paragraphs, relative and absolute links, images, lists, quotes, entities, now and then
/// something the sanitizer must strip), excerpts, 1–3 categories, authors and dates. The same seed always gives the
/// same bytes, so every run and every tool (ours, XmlReader, python3-feedparser) reads the same documents.
/// </summary>
public static class Corpus
{
    private static readonly string[] Words =
    [
        "inspection", "report", "probation", "service", "region", "findings", "published", "today", "chief", "inspector",
        "said", "the", "and", "of", "to", "in", "a", "for", "on", "with", "that", "staff", "people", "supervision",
        "quality", "improvement", "leaders", "partners", "court", "community", "risk", "assessment", "public", "safety",
        "recommendations", "progress", "team", "caseloads", "training", "management", "evidence", "review", "national",
        "local", "delivery", "outcomes", "work", "rated", "good", "requires", "improvement", "inadequate", "overall",
        "accommodation", "employment", "education", "support", "victims", "housing", "health", "services", "change",
    ];

    private static readonly string[] Tags = ["News", "Reports", "Youth justice", "Probation", "Policy", "Inspections", "Press release", "Research", "Events", "Updates"];
    private static readonly string[] Names = ["Justin Russell", "Martin Jones", "Sue Bloggs", "Amelia Clarke", "Tom Hughes", "Priya Shah", "Owen Price"];

    /// <summary>The corpus: <paramref name="count"/> documents, even positions RSS 2.0, odd positions Atom 1.0.</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Documents(int count = 200, int seed = 20251126)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var items = random.Next(20, 51);
            var site = $"https://site{i:000}.example.org";
            yield return i % 2 == 0
                ? ($"{i:000}-rss.xml", Encoding.UTF8.GetBytes(Rss(random, site, i, items)))
                : ($"{i:000}-atom.xml", Encoding.UTF8.GetBytes(Atom(random, site, i, items)));
        }
    }

    /// <summary>One RSS 2.0 document of <paramref name="items"/> items, each with content:encoded.</summary>
    public static byte[] OneRss(int items, int seed = 7) => Encoding.UTF8.GetBytes(Rss(new Random(seed), "https://rss.example.org", 0, items, forceContent: true));

    /// <summary>One Atom 1.0 document of <paramref name="items"/> entries, each with a summary and html content.</summary>
    public static byte[] OneAtom(int items, int seed = 8) => Encoding.UTF8.GetBytes(Atom(new Random(seed), "https://atom.example.org", 1, items, forceContent: true));

    /// <summary>One item's body: ~1.5 KB of the HTML news sites publish.</summary>
    public static string Body(int seed = 9) => Html(new Random(seed), "https://post.example.org", "/2025/11/item");

    /// <summary>A short HTML excerpt.</summary>
    public static string Excerpt(int seed = 10) => $"<p>{Sentence(new Random(seed), 30)}</p>";

    private static string Rss(Random r, string site, int doc, int items, bool forceContent = false)
    {
        var withContent = forceContent || r.Next(3) != 0;   // two thirds carry content:encoded
        var cdata = r.Next(2) == 0;
        var sb = new StringBuilder(items * 2600);
        sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.Append("<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<title>{X(Title(r))} – Site {doc}</title>\n<link>{site}/</link>\n<description>{X(Sentence(r, 12))}</description>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<atom:link href=\"{site}/feed/\" rel=\"self\" type=\"application/rss+xml\"/>\n<language>en-GB</language>\n");
        var date = LatestDate(r);
        sb.Append(CultureInfo.InvariantCulture, $"<lastBuildDate>{Rfc822(date)}</lastBuildDate>\n<ttl>60</ttl>\n");
        for (var i = 0; i < items; i++)
        {
            (date, var path, var body, var excerpt) = OlderPost(r, site, date, i, "[&#8230;]");
            sb.Append("<item>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<title>{X(Title(r))}</title>\n<link>{site}{path}</link>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<dc:creator><![CDATA[{Names[r.Next(Names.Length)]}]]></dc:creator>\n<pubDate>{Rfc822(date)}</pubDate>\n");
            foreach (var tag in Categories(r)) sb.Append(CultureInfo.InvariantCulture, $"<category><![CDATA[{tag}]]></category>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<guid isPermaLink=\"false\">{site}/?p={10_000 + i}</guid>\n");
            if (withContent)
            {
                sb.Append("<description>").Append(Wrap(excerpt, cdata)).Append("</description>\n");
                sb.Append("<content:encoded>").Append(Wrap(body, cdata)).Append("</content:encoded>\n");
            }
            else
            {
                sb.Append("<description>").Append(Wrap(body, cdata)).Append("</description>\n");
            }
            sb.Append("</item>\n");
        }
        sb.Append("</channel>\n</rss>\n");
        return sb.ToString();
    }

    private static string Atom(Random r, string site, int doc, int items, bool forceContent = false)
    {
        var withContent = forceContent || r.Next(3) != 0;   // the rest carry the full HTML in summary
        var sb = new StringBuilder(items * 2800);
        sb.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">\n");
        var date = LatestDate(r);
        sb.Append(CultureInfo.InvariantCulture, $"<title type=\"text\">{X(Title(r))} – Site {doc}</title>\n<subtitle>{X(Sentence(r, 12))}</subtitle>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<id>tag:site{doc}.example.org,2025:feed</id>\n<updated>{Rfc3339(date)}</updated>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<link rel=\"alternate\" type=\"text/html\" href=\"{site}/\"/>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{site}/feed.atom\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<author><name>{X(Names[r.Next(Names.Length)])}</name></author>\n<generator uri=\"https://example.org/gen\" version=\"1.0\">Gen</generator>\n");
        for (var i = 0; i < items; i++)
        {
            (date, var path, var body, var excerpt) = OlderPost(r, site, date, i, "&#8230;");
            sb.Append("<entry>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<title type=\"html\">{X(Title(r))}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{site}{path}\"/>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<id>tag:site{doc}.example.org,2025:entry-{20_000 + i}</id>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<published>{Rfc3339(date)}</published>\n<updated>{Rfc3339(date.AddMinutes(r.Next(0, 120)))}</updated>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<author><name>{X(Names[r.Next(Names.Length)])}</name><uri>{site}/author/{i % 5}</uri></author>\n");
            foreach (var tag in Categories(r)) sb.Append(CultureInfo.InvariantCulture, $"<category term=\"{X(tag.ToLowerInvariant().Replace(' ', '-'))}\" label=\"{X(tag)}\"/>\n");
            if (withContent)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<summary type=\"html\">{X(excerpt)}</summary>\n");
                sb.Append(CultureInfo.InvariantCulture, $"<content type=\"html\" xml:base=\"{site}{path}\">{X(body)}</content>\n");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"<summary type=\"html\">{X(body)}</summary>\n");
            }
            sb.Append("</entry>\n");
        }
        sb.Append("</feed>\n");
        return sb.ToString();
    }

    /// <summary>When the newest post of a document was published.</summary>
    private static DateTimeOffset LatestDate(Random r) => new DateTimeOffset(2025, 11, 26, 9, 0, 0, TimeSpan.Zero).AddMinutes(-r.Next(0, 10_000));

    /// <summary>
    /// The <paramref name="i"/>th post of a document, published some hours before <paramref name="newer"/>: its date, path
    /// on <paramref name="site"/>, HTML body and an excerpt ending in <paramref name="ellipsis"/>.
    /// </summary>
    private static (DateTimeOffset Date, string Path, string Body, string Excerpt) OlderPost(Random r, string site, DateTimeOffset newer, int i, string ellipsis)
    {
        var date = newer.AddHours(-r.Next(1, 48));
        var path = $"/{date:yyyy/MM}/{Slug(r)}-{i}/";
        var body = Html(r, site, path);
        return (date, path, body, $"<p>{Sentence(r, r.Next(25, 45))} {ellipsis}</p>");
    }

    /// <summary>~1.5 KB of article HTML, with the usual mix of markup and the odd thing a sanitizer must remove.</summary>
    private static string Html(Random r, string site, string path)
    {
        var sb = new StringBuilder(1800);
        sb.Append(CultureInfo.InvariantCulture, $"<p><strong>{Sentence(r, r.Next(8, 14))}</strong></p>\n");
        var paragraphs = r.Next(3, 5);
        for (var p = 0; p < paragraphs; p++)
        {
            sb.Append("<p>").Append(Sentence(r, r.Next(25, 45)));
            var link = r.Next(3) switch
            {
                0 => $"{site}/reports/{Slug(r)}/",
                1 => $"/reports/{Slug(r)}.pdf",
                _ => $"https://www.gov.uk/government/news/{Slug(r)}",
            };
            sb.Append(CultureInfo.InvariantCulture, $" <a href=\"{link}\">{Sentence(r, 4)}</a> ");
            sb.Append(Sentence(r, r.Next(10, 25))).Append(" &ndash; <em>").Append(Sentence(r, 3)).Append("</em>&nbsp;&#8217;s ");
            sb.Append(Sentence(r, r.Next(5, 12))).Append(".</p>\n");
            if (p == 0)
                sb.Append(CultureInfo.InvariantCulture, $"<figure><img src=\"/wp-content/uploads/2025/11/{Slug(r)}.jpg\" alt=\"{Sentence(r, 5)}\" width=\"640\" height=\"360\" loading=\"lazy\"/><figcaption>{Sentence(r, 6)}</figcaption></figure>\n");
        }
        if (r.Next(2) == 0)
        {
            sb.Append("<ul>");
            for (var i = 0; i < r.Next(2, 5); i++) sb.Append("<li>").Append(Sentence(r, r.Next(5, 10))).Append("</li>");
            sb.Append("</ul>\n");
        }
        if (r.Next(4) == 0) sb.Append(CultureInfo.InvariantCulture, $"<blockquote><p>{Sentence(r, 20)}</p></blockquote>\n");
        switch (r.Next(8))
        {
            case 0: sb.Append("<script>window.track && track('view');</script>\n"); break;
            case 1: sb.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{path}#comments\" onclick=\"return open(this)\" style=\"color:red\">Comments</a></p>\n"); break;
            case 2: sb.Append("<iframe src=\"https://www.youtube.com/embed/abc\" width=\"560\" height=\"315\"></iframe>\n"); break;
        }
        sb.Append(CultureInfo.InvariantCulture, $"<p>The post <a href=\"{site}{path}\">{Sentence(r, 5)}</a> appeared first on <a href=\"{site}\">Site</a>.</p>");
        return sb.ToString();
    }

    private static List<string> Categories(Random r)
    {
        var n = r.Next(1, 4);
        var set = new List<string>(n);
        while (set.Count < n) { var t = Tags[r.Next(Tags.Length)]; if (!set.Contains(t)) set.Add(t); }
        return set;
    }

    private static string Sentence(Random r, int words)
    {
        var sb = new StringBuilder(words * 8);
        for (var i = 0; i < words; i++)
        {
            if (i > 0) sb.Append(' ');
            var w = Words[r.Next(Words.Length)];
            sb.Append(i == 0 ? char.ToUpperInvariant(w[0]) + w[1..] : w);
        }
        return sb.ToString();
    }

    private static string Title(Random r) => Sentence(r, r.Next(5, 12)) + (r.Next(5) == 0 ? " & more" : "");

    private static string Slug(Random r) => $"{Words[r.Next(Words.Length)]}-{Words[r.Next(Words.Length)]}-{r.Next(1000)}";

    private static string Wrap(string html, bool cdata) => cdata ? $"<![CDATA[{html}]]>" : X(html);

    private static string X(string text) => SecurityElement.Escape(text);

    private static string Rfc822(DateTimeOffset d) => d.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);

    private static string Rfc3339(DateTimeOffset d) => d.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
