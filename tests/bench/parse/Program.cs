using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using FeedService.Aggregation;
using FeedService.Aggregation.Parsing;
using FeedService.Bench;
using FeedService.Content;
using FeedService.Publishing;
using XmlText = FeedService.Publishing.XmlText;

// tests/bench/parse.sh's .NET side.
//   generate DIR            writes the seeded corpus (200 documents) into DIR
//   measure DIR REPS        times, REPS times each and interleaved, (a) parse + normalize without sanitizing,
//                           (b) parse + EntryNormalizer.Normalize (sanitizing), (c) an XmlReader read-through;
//                           prints one "mode name seconds..." line per mode, then "docs N bytes N items N".
//   measure DIR REPS MODE   only that mode (for profiling: dotnet-trace collect -- ...)
//   breakdown DIR REPS      where (b)'s time goes: FeedParser.Parse, the entry hash, sanitizing (HtmlContent.Prepare), and
//                           within sanitizing AngleSharp's HTML parse alone (the parser HtmlSanitizer uses, on the same input)
var culture = CultureInfo.InvariantCulture;
switch (args.FirstOrDefault())
{
    case "generate":
        Directory.CreateDirectory(args[1]);
        foreach (var (name, bytes) in Corpus.Documents()) File.WriteAllBytes(Path.Combine(args[1], name), bytes);
        return 0;
    case "measure":
        return Measure(Load(args[1]), int.Parse(args[2], culture), args.Length > 3 ? args[3] : null);
    case "breakdown":
        return Breakdown(Load(args[1]), int.Parse(args[2], culture));
    default:
        Console.Error.WriteLine("usage: generate DIR | measure DIR REPS [MODE] | breakdown DIR REPS");
        return 2;
}

static List<(string Name, byte[] Bytes, Uri Url, string ContentType)> Load(string dir) =>
    [.. Directory.GetFiles(dir, "*.xml").Order(StringComparer.Ordinal).Select(path =>
    {
        var name = Path.GetFileName(path);
        var atom = name.Contains("atom", StringComparison.Ordinal);
        return (name, File.ReadAllBytes(path), new Uri($"https://site{name[..3]}.example.org/feed{(atom ? ".atom" : "/")}"),
            atom ? "application/atom+xml" : "application/rss+xml; charset=utf-8");
    })];

static int Measure(List<(string Name, byte[] Bytes, Uri Url, string ContentType)> docs, int reps, string? only)
{
    var normalizer = new EntryNormalizer(new HtmlContent());
    var now = new DateTimeOffset(2025, 11, 27, 0, 0, 0, TimeSpan.Zero);
    var modes = new (string Name, Func<long> Pass)[]
    {
        ("ours_parse_normalize", () =>
        {
            long items = 0;
            foreach (var d in docs) items += Identify(Parse(d.Bytes, d.ContentType, d.Url), now);
            return items;
        }),
        ("ours_pipeline_sanitized", () =>
        {
            long items = 0;
            foreach (var d in docs)
                foreach (var item in Parse(d.Bytes, d.ContentType, d.Url).Items) { normalizer.Normalize(item, now); items++; }
            return items;
        }),
        ("xmlreader", () =>
        {
            long nodes = 0;
            foreach (var d in docs) nodes += ReadThrough(d.Bytes);
            return nodes;
        }),
    };

    if (only is not null) modes = [.. modes.Where(m => m.Name == only)];
    // The stored change hash must stay what it always was, or every stored entry would look edited once.
    foreach (var d in docs)
        foreach (var item in Parse(d.Bytes, d.ContentType, d.Url).Items)
            if (EntryNormalizer.HashOf(item) != ReferenceHash(item)) throw new InvalidOperationException($"{d.Name}: the entry hash changed");

    // One untimed pass each (JIT, tiering), and a check that every document reads fully.
    var counts = modes.Select(m => m.Pass()).ToArray();
    var expected = counts[0];
    if (only is null && counts[1] != expected) throw new InvalidOperationException("the two pipelines read different item counts");
    // Wall time and this process's CPU time (all threads, so GC work counts) of each pass. On a shared machine the CPU
    // time is the steadier figure: time spent waiting for a core does not count.
    var times = modes.Select(_ => new List<(double Wall, double Cpu)>()).ToArray();
    using var self = Process.GetCurrentProcess();
    for (var rep = 0; rep < reps; rep++)
        for (var m = 0; m < modes.Length; m++)
        {
            var pass = modes[m].Pass;
            times[m].Add(Timed(self, () => pass()));
        }
    for (var m = 0; m < modes.Length; m++)
    {
        Console.WriteLine($"mode {modes[m].Name} {string.Join(' ', times[m].Select(t => t.Wall.ToString("F4", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"cpu {modes[m].Name} {string.Join(' ', times[m].Select(t => t.Cpu.ToString("F4", CultureInfo.InvariantCulture)))}");
    }
    Console.WriteLine($"docs {docs.Count} bytes {docs.Sum(d => (long)d.Bytes.Length)} items {expected}");
    return 0;
}

// CPU-time medians of each stage of (b), stage by stage over the whole corpus: each stage's input is prepared beforehand.
static int Breakdown(List<(string Name, byte[] Bytes, Uri Url, string ContentType)> docs, int reps)
{
    var html = new HtmlContent();
    var items = docs.SelectMany(d => Parse(d.Bytes, d.ContentType, d.Url).Items).ToList();
    // What EntryNormalizer.Normalize sanitizes: the content (or summary), and a summary that differs from it.
    var bodies = items.Select(i => (Html: i.Content ?? i.Summary ?? "", i.BaseUrl))
        .Concat(items.Where(i => i.Summary is not null && i.Summary != i.Content).Select(i => (Html: i.Summary!, i.BaseUrl))).ToList();
    var parser = Ganss.Xss.HtmlSanitizer.DefaultHtmlParserFactory();
    var stages = new (string Name, Action Pass)[]
    {
        ("parse", () => { foreach (var d in docs) Parse(d.Bytes, d.ContentType, d.Url); }),
        ("hash", () => { foreach (var i in items) EntryNormalizer.HashOf(i); }),
        ("sanitize", () => { foreach (var (h, b) in bodies) html.Prepare(h, b); }),
        // HtmlSanitizer.Sanitize parses its input this way before it walks the tree: the floor for any AngleSharp-based sanitizer.
        ("sanitize_html_parse_only", () => { foreach (var (h, _) in bodies) parser.ParseDocument("<!doctype html><html><body>" + h).Dispose(); }),
    };
    using var self = Process.GetCurrentProcess();
    foreach (var stage in stages) stage.Pass(); // JIT and tiering
    var times = stages.Select(_ => new List<double>()).ToArray();
    for (var rep = 0; rep < reps; rep++)
        for (var s = 0; s < stages.Length; s++)
            times[s].Add(Timed(self, stages[s].Pass).Cpu);
    Console.WriteLine($"bodies {bodies.Count} chars {bodies.Sum(b => (long)b.Html.Length)} items {items.Count}");
    for (var s = 0; s < stages.Length; s++)
        Console.WriteLine($"stage {stages[s].Name} median_cpu_s {Median(times[s]).ToString("F3", CultureInfo.InvariantCulture)}");
    return 0;
}

// One timed pass, after a full collection so that no earlier pass's garbage is collected on its time: wall seconds and
// this process's CPU seconds (all threads, GC included).
static (double Wall, double Cpu) Timed(Process self, Action pass)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    self.Refresh();
    var cpu = self.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    pass();
    var wall = sw.Elapsed.TotalSeconds;
    self.Refresh();
    return (wall, (self.TotalProcessorTime - cpu).TotalSeconds);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static ParsedFeed Parse(byte[] body, string contentType, Uri url)
{
    // What SourcePoller.Parse does with a fetched body.
    if (FeedDiscovery.LooksLikeHtml(body, contentType)) throw new InvalidOperationException($"{url} looks like HTML");
    var result = FeedParser.Parse(body, contentType, url);
    return result.Feed ?? throw new InvalidOperationException($"{url}: {result.Error}");
}

// EntryNormalizer.Normalize without HtmlContent.Prepare: identity, change hash, title, authors and dates, as stored.
static long Identify(ParsedFeed feed, DateTimeOffset now)
{
    long n = 0;
    foreach (var item in feed.Items)
    {
        var key = EntryNormalizer.KeyOf(item);
        var hash = EntryNormalizer.HashOf(item);
        var link = item.Link is not null && Uri.TryCreate(item.Link, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u.AbsoluteUri : null;
        var title = XmlText.Clean(item.Title?.Trim());
        var authors = item.Authors.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => XmlText.Clean(a.Trim())).Distinct().ToList();
        var published = item.Published ?? item.Updated ?? now;
        if (key.Length + hash.Length + title.Length + authors.Count + (link?.Length ?? 0) + published.Offset.Ticks < 0) throw new InvalidOperationException();
        n++;
    }
    return n;
}

// The ceiling: the framework's XML reader over the same bytes, every node read and every text value materialized.
static long ReadThrough(byte[] bytes)
{
    var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, IgnoreComments = true };
    using var reader = XmlReader.Create(new MemoryStream(bytes), settings);
    long nodes = 0, chars = 0;
    while (reader.Read())
    {
        nodes++;
        if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA) chars += reader.Value.Length;
    }
    return nodes + (chars >= 0 ? 0 : 1);
}

// EntryNormalizer's change hash as first written (SHA-256 of the joined fields' UTF-8), to check that it never changes.
static string ReferenceHash(ParsedItem item) =>
    Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001e',
        new[] { item.Title, item.Link, item.Summary, item.Content, string.Join('\u001f', item.Authors), string.Join('\u001f', item.Categories),
            item.Published?.UtcTicks.ToString(CultureInfo.InvariantCulture), item.Updated?.UtcTicks.ToString(CultureInfo.InvariantCulture) }
        .Select(p => p ?? "")))));
