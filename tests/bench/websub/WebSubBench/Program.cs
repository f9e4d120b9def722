// WebSub hub scale measurement. Starts a subscriber server on 127.0.0.1 (N distinct callbacks /cb/big/1…N plus a few
// /cb/other/k), subscribes them through the app's hub (POST /websub, verified), then runs rounds: a post to the big
// category and one to the other category, and measures from each 201 to the deliveries the subscriber receives.
// Bounded: every wait has a deadline (--timeout-s) and the run stops at the first one missed.
// Usage: dotnet WebSubBench.dll --app http://127.0.0.1:PORT --key KEY [--subscribers 1000] [--others 5] [--timeout-s 120]
//        [--slow-ms 50] (answer delay of every callback in the last round)
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

var options = Args.Parse(args);
var app = new Uri(options.Get("app").TrimEnd('/') + "/");
var key = options.Get("key");
var subscribers = int.Parse(options.Get("subscribers", "1000"), CultureInfo.InvariantCulture);
var others = int.Parse(options.Get("others", "5"), CultureInfo.InvariantCulture);
var timeout = TimeSpan.FromSeconds(int.Parse(options.Get("timeout-s", "120"), CultureInfo.InvariantCulture));
var slowMs = int.Parse(options.Get("slow-ms", "50"), CultureInfo.InvariantCulture);
var bigSlug = options.Get("big", "bench-big");
var otherSlug = options.Get("other", "bench-other");

await using var subscriber = await Subscriber.StartAsync();
using var http = new HttpClient { BaseAddress = app, Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
Log($"subscriber server on {subscriber.BaseUrl}; app {app}");

// ---------------------------------------------------------------- categories and subscriptions
foreach (var slug in new[] { bigSlug, otherSlug })
{
    using var created = await http.PostAsJsonAsync("api/categories", new { slug, name = slug, description = "WebSub bench" });
    if (created.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict)) Fail($"POST /api/categories {slug}: {(int)created.StatusCode}");
    await WaitUntilAsync($"/feeds/{slug}.atom exists", async () => (await http.GetAsync($"feeds/{slug}.atom")).IsSuccessStatusCode);
}
var bigTopic = new Uri(app, $"feeds/{bigSlug}.atom").AbsoluteUri;
var otherTopic = new Uri(app, $"feeds/{otherSlug}.atom").AbsoluteUri;
var bigPaths = Enumerable.Range(1, subscribers).Select(i => $"/cb/big/{i}").ToList();
var otherPaths = Enumerable.Range(1, others).Select(i => $"/cb/other/{i}").ToList();

var subscribing = Stopwatch.StartNew();
await Parallel.ForEachAsync(bigPaths.Select(p => (bigTopic, p)).Concat(otherPaths.Select(p => (otherTopic, p))),
    new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (pair, ct) =>
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["hub.mode"] = "subscribe",
            ["hub.topic"] = pair.Item1,
            ["hub.callback"] = subscriber.Callback(pair.Item2),
        });
        using var response = await http.PostAsync("websub", form, ct);
        if (response.StatusCode != HttpStatusCode.Accepted) Fail($"POST /websub for {pair.Item2}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    });
await WaitUntilAsync($"{subscribers + others} subscriptions active", async () =>
{
    await Task.Delay(250); // the API shares the write rate limit: ask a few times a second, not fifty
    using var response = await http.GetAsync("api/websub/subscriptions");
    if (!response.IsSuccessStatusCode) return false;
    var list = await response.Content.ReadFromJsonAsync<JsonElement>();
    return list.EnumerateArray().Count(s => s.GetProperty("state").GetString() == "active") >= subscribers + others;
});
Log($"{subscribers} + {others} subscriptions verified and active in {subscribing.Elapsed.TotalSeconds:F1} s ({subscriber.Verifications} verification requests)");

// ---------------------------------------------------------------- rounds
var rounds = new List<RoundResult> { await RoundAsync("warm-up", 0, big: true), await RoundAsync("other alone", 0, big: false) };
var measured = new List<RoundResult>();
for (var i = 1; i <= 3; i++) measured.Add(await RoundAsync($"measured {i}", 0, big: true));
rounds.AddRange(measured);
var median = RoundResult.Median("median 1-3", measured);
rounds.Add(median);
var slow = await RoundAsync($"slow ({slowMs} ms)", slowMs, big: true);
rounds.Add(slow);

var recorded = await http.GetFromJsonAsync<JsonElement>($"api/websub/deliveries?topic={Uri.EscapeDataString(bigTopic)}&limit=1000");
var recordedDelivered = recorded.EnumerateArray().Count(d => d.GetProperty("outcome").GetString() == "delivered");

Console.WriteLine();
Console.WriteLine($"{"round",-14} {"first_ms",9} {"p50_ms",8} {"p95_ms",8} {"p99_ms",8} {"last_ms",9} {"deliv/s",9} {"in_flight",10} {"other_ms",9} {"dupes",6}");
foreach (var r in rounds)
    Console.WriteLine($"{r.Name,-14} {r.FirstMs,9:F0} {r.P50Ms,8:F0} {r.P95Ms,8:F0} {r.P99Ms,8:F0} {r.LastMs,9:F0} {r.PerSecond,9:F0} {r.MaxInFlight,10} {r.OtherMs,9:F0} {r.Duplicates,6}");
Console.WriteLine();
Console.WriteLine($"subscribers={subscribers} others={others}; times in ms from the post's 201 to the subscriber receiving the document; deliv/s over");
Console.WriteLine("first to last delivery; in_flight = most deliveries the subscriber server handled at once; other_ms = the other feed's last");
Console.WriteLine($"delivery after its own 201 (posted at the same moment as the big one; 'other alone': without a storm); {recordedDelivered} 'delivered'");
Console.WriteLine($"records of the big feed's last round in /api/websub/deliveries");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"MEASURED websub subscribers={subscribers} all_delivered_s={median.LastMs / 1000:F2} first_ms={median.FirstMs:F0} p50_ms={median.P50Ms:F0} other_feed_ms={median.OtherMs:F0} other_alone_ms={rounds[1].OtherMs:F0} deliveries_per_s={median.PerSecond:F0} slow_all_delivered_s={slow.LastMs / 1000:F2} slow_max_in_flight={slow.MaxInFlight} duplicates={rounds.Sum(r => r.Duplicates)}"));
return 0;

async Task<RoundResult> RoundAsync(string name, int answerDelayMs, bool big)
{
    subscriber.AnswerDelayMs = answerDelayMs;
    // Unique words in the titles: the subscriber sorts deliveries by them as they arrive (the feed holds older posts too).
    var stamp = Guid.NewGuid().ToString("N");
    var bigWatch = subscriber.Watch($"bench-big-{stamp}");
    var otherWatch = subscriber.Watch($"bench-other-{stamp}");
    // Both posts at the same moment: the other feed's delivery happens during the big one's storm.
    var bigPost = big ? PostAsync(bigSlug, $"Bench bench-big-{stamp}") : Task.FromResult(0L);
    var otherPost = PostAsync(otherSlug, $"Bench bench-other-{stamp}");
    var big201 = await bigPost;
    var other201 = await otherPost;

    if (big) await WaitUntilAsync($"{name}: {subscribers} deliveries to the big feed's subscribers", () => Task.FromResult(bigWatch.Count >= subscribers));
    await WaitUntilAsync($"{name}: {others} deliveries to the other feed's subscribers", () => Task.FromResult(otherWatch.Count >= others));
    await Task.Delay(500); // late duplicates, if any

    var bigDeliveries = bigWatch.Deliveries;
    var otherDeliveries = otherWatch.Deliveries;
    var latencies = big ? bigDeliveries.Select(d => Stopwatch.GetElapsedTime(big201, d.ReceivedAt).TotalMilliseconds).Order().ToList() : [double.NaN];
    var spread = big ? Stopwatch.GetElapsedTime(bigDeliveries.Min(d => d.ReceivedAt), bigDeliveries.Max(d => d.ReceivedAt)).TotalSeconds : double.NaN;
    var result = new RoundResult(name,
        latencies[0], Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99), latencies[^1],
        bigDeliveries.Count / Math.Max(spread, 0.001),
        MaxOverlap(bigDeliveries.Concat(otherDeliveries)),
        otherDeliveries.Max(d => Stopwatch.GetElapsedTime(other201, d.ReceivedAt).TotalMilliseconds),
        bigDeliveries.Count - bigDeliveries.Select(d => d.Path).Distinct().Count() + otherDeliveries.Count - otherDeliveries.Select(d => d.Path).Distinct().Count());
    Log($"{name}: {bigDeliveries.Count} + {otherDeliveries.Count} deliveries, last {result.LastMs:F0} ms after the 201; other feed {result.OtherMs:F0} ms; max in flight {result.MaxInFlight}");
    return result;
}

/// <summary>Creates a post; returns when its 201 arrived (a Stopwatch timestamp).</summary>
async Task<long> PostAsync(string category, string title)
{
    using var response = await http.PostAsJsonAsync("api/posts", new { title, content = $"<p>{title}</p>", categories = new[] { category } });
    var at = Stopwatch.GetTimestamp();
    if (response.StatusCode != HttpStatusCode.Created) Fail($"POST /api/posts: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    return at;
}

async Task WaitUntilAsync(string what, Func<Task<bool>> condition)
{
    var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
    while (!await condition())
    {
        if (Stopwatch.GetTimestamp() > deadline) Fail($"timed out after {timeout.TotalSeconds:F0} s waiting for: {what}");
        await Task.Delay(20);
    }
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

static int MaxOverlap(IEnumerable<Delivery> deliveries)
{
    int current = 0, max = 0;
    foreach (var (_, delta) in deliveries.SelectMany(d => new[] { (d.StartedAt, 1), (d.EndedAt, -1) }).OrderBy(e => e.Item1).ThenBy(e => e.Item2))
        max = Math.Max(max, current += delta);
    return max;
}

static void Log(string message) => Console.WriteLine($"[bench {DateTime.Now:HH:mm:ss.fff}] {message}");

[System.Diagnostics.CodeAnalysis.DoesNotReturn]
static void Fail(string message)
{
    Console.Error.WriteLine($"bench: FAILED: {message}");
    Environment.Exit(1);
}

internal sealed record RoundResult(string Name, double FirstMs, double P50Ms, double P95Ms, double P99Ms, double LastMs, double PerSecond, int MaxInFlight, double OtherMs, int Duplicates)
{
    /// <summary>Each column's median over the rounds (columns taken separately).</summary>
    public static RoundResult Median(string name, IReadOnlyList<RoundResult> rounds)
    {
        double Of(Func<RoundResult, double> column)
        {
            var values = rounds.Select(column).Order().ToList();
            return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
        }
        return new RoundResult(name, Of(r => r.FirstMs), Of(r => r.P50Ms), Of(r => r.P95Ms), Of(r => r.P99Ms), Of(r => r.LastMs), Of(r => r.PerSecond),
            (int)Of(r => r.MaxInFlight), Of(r => r.OtherMs), rounds.Sum(r => r.Duplicates));
    }
}

/// <summary>A delivery as received. Times are Stopwatch timestamps: headers read (ReceivedAt = StartedAt) and answer written.</summary>
internal sealed record Delivery(string Path, long StartedAt, long EndedAt)
{
    public long ReceivedAt => StartedAt;
}

/// <summary>The deliveries of one document, recognised by a marker in its body.</summary>
internal sealed class Watched(byte[] marker)
{
    private readonly ConcurrentQueue<Delivery> _deliveries = new();

    public byte[] Marker { get; } = marker;

    public int Count => _deliveries.Count;

    public List<Delivery> Deliveries => [.. _deliveries];

    public void Add(Delivery delivery) => _deliveries.Enqueue(delivery);
}

/// <summary>The subscribers: Kestrel on 127.0.0.1, every /cb/… path a callback that confirms verifications and records deliveries.</summary>
internal sealed class Subscriber : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentBag<Watched> _watched = [];
    private int _verifications;
    private int _deliveries;

    private Subscriber(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public int AnswerDelayMs { get; set; }

    public int Verifications => Volatile.Read(ref _verifications);

    public int DeliveryCount => Volatile.Read(ref _deliveries);

    /// <summary>From now on, deliveries whose body contains <paramref name="marker"/> are collected.</summary>
    public Watched Watch(string marker)
    {
        var watched = new Watched(Encoding.UTF8.GetBytes(marker));
        _watched.Add(watched);
        return watched;
    }

    public string Callback(string path) => new Uri(BaseUrl, path.TrimStart('/')).AbsoluteUri;

    public static async Task<Subscriber> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var subscriber = new Subscriber(app);
        ((IApplicationBuilder)app).Run(subscriber.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        subscriber.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return subscriber;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method))
        {
            Interlocked.Increment(ref _verifications);
            await context.Response.WriteAsync(request.Query["hub.challenge"].ToString(), context.RequestAborted);
            return;
        }
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        if (AnswerDelayMs > 0) await Task.Delay(AnswerDelayMs, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        Interlocked.Increment(ref _deliveries);
        var delivery = new Delivery(request.Path.Value ?? "", started, Stopwatch.GetTimestamp());
        var bytes = body.GetBuffer().AsSpan(0, (int)body.Length);
        foreach (var watched in _watched)
            if (bytes.IndexOf(watched.Marker) >= 0) watched.Add(delivery);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2) values[args[i].TrimStart('-')] = args[i + 1];
        return new Args(values);
    }

    public string Get(string name, string? fallback = null) =>
        values.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required");
}
