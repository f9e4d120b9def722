using System.Diagnostics;
using System.Globalization;
using FeedService.Aggregation.Parsing;
using FeedService.Tests.Aggregation.Parsing.Corpus;

// Generates mutated feed documents from seeds (built in, plus gofeed's test data: --corpus DIR, else where the corpus
// tests find it, GofeedCorpus.Locate) and feeds each one to FeedParser.Parse on a thread like the poller's, with a time
// bound. Every document must be read or rejected with a reason: no exception, no hang past the bound, allocations
// bounded. Prints counts and one RESULT-style summary line; exits 1 when a property fails. Before each parse the
// document is written to <work>/current.bin, so a crash that kills the process (a stack overflow) leaves the culprit
// behind.
var options = Options.Parse(args);
if (args.Length >= 2 && args[0] == "--file")
{
    // One saved document, timed, without a bound: to see how long a finding really takes.
    var bytes = File.ReadAllBytes(args[1]);
    var sw = Stopwatch.StartNew();
    var before = GC.GetAllocatedBytesForCurrentThread();
    var parsed = FeedParser.Parse(bytes, args.Length > 2 ? args[2] : null, new Uri("https://feeds.example.test/feed.xml"));
    Console.WriteLine($"{args[1]}: {bytes.Length} bytes, {sw.Elapsed.TotalMilliseconds:F0} ms, {(GC.GetAllocatedBytesForCurrentThread() - before) / 1048576.0:F1} MiB allocated; " +
        (parsed.Feed is { } f ? $"read {f.Items.Count} items, {f.Problems.Count} problems" : $"rejected: {parsed.Error}"));
    return 0;
}
var rng = new Random(options.Seed);
var seeds = Seeds.BuiltIn().ToList();
var corpus = options.Corpus ?? GofeedCorpus.Locate();
if (corpus is not null && Directory.Exists(corpus))
{
    var files = Directory.EnumerateFiles(corpus, "*", SearchOption.AllDirectories)
        .Where(f => f.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            || f.EndsWith(".rss", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".atom", StringComparison.OrdinalIgnoreCase))
        .Where(f => new FileInfo(f).Length < 512 * 1024)
        .Order(StringComparer.Ordinal).ToList();
    seeds.AddRange(files.OrderBy(_ => rng.Next()).Take(300).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))));
}
Directory.CreateDirectory(options.Work);
Console.WriteLine($"fuzz: {seeds.Count} seeds{(corpus is null ? " (no corpus found)" : $" (with {corpus})")}, {options.Count} documents, seed {options.Seed}, bound {options.TimeoutMs} ms each");

var url = new Uri("https://feeds.example.test/feed.xml");
var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
var failures = new List<string>();
long maxAllocated = 0, maxInput = 0;
string maxAllocatedWhat = "";
double slowestMs = 0;
string slowestWhat = "";
var total = Stopwatch.StartNew();
for (var i = 0; i < options.Count; i++)
{
    var (kind, doc) = Mutator.Make(rng, seeds, i);
    var what = $"#{i} {kind} ({doc.Length} bytes)";
    File.WriteAllBytes(Path.Combine(options.Work, "current.bin"), doc);
    File.WriteAllText(Path.Combine(options.Work, "current.txt"), what);
    maxInput = Math.Max(maxInput, doc.Length);

    ParseResult? result = null;
    Exception? thrown = null;
    long allocated = 0;
    var watch = Stopwatch.StartNew();
    // A thread like the poller's (default stack), so a recursion the app would overflow overflows here too.
    var thread = new Thread(() =>
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try { result = FeedParser.Parse(doc, kind.StartsWith("json", StringComparison.Ordinal) ? "application/feed+json" : null, url); }
        catch (Exception e) { thrown = e; }
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
    })
    { IsBackground = true };
    thread.Start();
    if (!thread.Join(options.TimeoutMs))
    {
        failures.Add($"HANG: {what} still parsing after {options.TimeoutMs} ms");
        // Let it finish (bounded) so it does not slow the documents after it down.
        var finished = thread.Join(TimeSpan.FromSeconds(60));
        Console.Error.WriteLine($"fuzz: {what} took {watch.Elapsed.TotalSeconds:F1} s{(finished ? "" : " and still runs")}");
        Save(options.Work, $"hang-{i}.bin", doc);
        counts["hang"] = counts.GetValueOrDefault("hang") + 1;
        continue;
    }
    var ms = watch.Elapsed.TotalMilliseconds;
    if (ms > slowestMs) (slowestMs, slowestWhat) = (ms, what);
    if (allocated > maxAllocated) (maxAllocated, maxAllocatedWhat) = (allocated, what);
    var allowance = options.AllocationFactor * Math.Max(doc.Length, 64 * 1024);
    if (allocated > allowance)
    {
        failures.Add($"MEMORY: {what} allocated {allocated / 1048576.0:F1} MiB, more than {options.AllocationFactor}x its size");
        Save(options.Work, $"memory-{i}.bin", doc);
    }
    if (thrown is not null)
    {
        failures.Add($"THREW: {what}: {thrown.GetType().Name}: {thrown.Message}");
        Save(options.Work, $"threw-{i}.bin", doc);
        counts["threw"] = counts.GetValueOrDefault("threw") + 1;
    }
    else if (result!.Feed is { } feed)
    {
        counts["read"] = counts.GetValueOrDefault("read") + 1;
        _ = feed.Items.Count;
    }
    else if (!string.IsNullOrWhiteSpace(result.Error))
    {
        counts["rejected"] = counts.GetValueOrDefault("rejected") + 1;
        var reason = Reason(result.Error);
        reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
    }
    else
    {
        failures.Add($"NO REASON: {what} was neither read nor rejected with a reason");
        counts["unexplained"] = counts.GetValueOrDefault("unexplained") + 1;
    }
    if ((i + 1) % 500 == 0) Console.WriteLine($"fuzz: {i + 1} done in {total.Elapsed.TotalSeconds:F1} s; {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}");
}
var peakMiB = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
if (peakMiB > options.PeakMiB) failures.Add($"MEMORY: peak working set {peakMiB:F0} MiB above {options.PeakMiB} MiB");
File.Delete(Path.Combine(options.Work, "current.bin"));
File.Delete(Path.Combine(options.Work, "current.txt"));

Console.WriteLine("fuzz: rejection reasons (top 15):");
foreach (var (reason, n) in reasons.OrderByDescending(r => r.Value).Take(15)) Console.WriteLine($"  {n,5}  {reason}");
Console.WriteLine($"fuzz: slowest {slowestMs:F0} ms ({slowestWhat}); most allocated {maxAllocated / 1048576.0:F1} MiB ({maxAllocatedWhat}); largest input {maxInput / 1048576.0:F1} MiB; peak working set {peakMiB:F0} MiB");
foreach (var f in failures.Take(30)) Console.Error.WriteLine($"fuzz: FAIL: {f}");
var inv = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(inv, $"FUZZ documents={options.Count} read={counts.GetValueOrDefault("read")} rejected={counts.GetValueOrDefault("rejected")} threw={counts.GetValueOrDefault("threw")} hangs={counts.GetValueOrDefault("hang")} unexplained={counts.GetValueOrDefault("unexplained")} failures={failures.Count} slowest_ms={slowestMs:F0} max_alloc_mib={maxAllocated / 1048576.0:F1} peak_ws_mib={peakMiB:F0} seconds={total.Elapsed.TotalSeconds:F1} seed={options.Seed}"));
return failures.Count == 0 ? 0 : 1;

static string Reason(string error)
{
    // Group reasons by their text without numbers and quoted parts.
    var s = System.Text.RegularExpressions.Regex.Replace(error, "[0-9]+", "N");
    s = System.Text.RegularExpressions.Regex.Replace(s, "'[^']*'|\"[^\"]*\"", "'…'");
    return s.Length > 110 ? s[..110] + "…" : s;
}

static void Save(string work, string name, byte[] doc)
{
    var dir = Path.Combine(work, "findings");
    Directory.CreateDirectory(dir);
    File.WriteAllBytes(Path.Combine(dir, name), doc);
}

internal sealed record Options(int Count, int Seed, int TimeoutMs, string? Corpus, string Work, int AllocationFactor, int PeakMiB)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Options(Int("--count", 2000), Int("--seed", Environment.TickCount & 0x7fffffff), Int("--timeout-ms", 2000), Value("--corpus"),
            Value("--work") ?? Path.Combine(Path.GetTempPath(), "feedfuzz"), Int("--alloc-factor", 200), Int("--peak-mib", 2048));
    }
}
