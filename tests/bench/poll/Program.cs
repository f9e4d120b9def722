using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// Serves SOURCES RSS feeds for tests/bench/poll.sh, spread over HOSTS loopback addresses (127.0.10.1, 127.0.10.2, ...),
// each its own "host" for the aggregator's one-request-per-host rule. Every feed has an ETag and answers 304 to a
// matching If-None-Match. Listens on 127.0.0.0/8 addresses only, each on a free port.
//   usage: PollServer SOURCES HOSTS READY_FILE
//   READY_FILE gets the control URL on its first line, then one feed URL per line.
//   POST {control}/_control/change?percent=P   changes every (100/P)th feed (a new item on top): P% of them
//   POST {control}/_control/reset              zeroes the counters;  GET {control}/_control/stats  the counters
var sources = int.Parse(args[0], CultureInfo.InvariantCulture);
var hosts = int.Parse(args[1], CultureInfo.InvariantCulture);
var readyFile = args[2];
if (hosts is < 1 or > 250) throw new ArgumentOutOfRangeException(nameof(args), "HOSTS must be 1-250");

var feeds = new Feeds(sources);
var stats = new Stats();
var builder = WebApplication.CreateSlimBuilder();
builder.Configuration.Sources.Clear();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.Listen(IPAddress.Loopback, 0);
    for (var h = 1; h <= hosts; h++) k.Listen(IPAddress.Parse($"127.0.10.{h}"), 0);
    k.Limits.MinRequestBodyDataRate = null;
    k.Limits.MinResponseDataRate = null;
});
var app = builder.Build();

app.MapGet("/feeds/{id:int}.xml", (int id, HttpContext http) =>
{
    if (id < 0 || id >= sources) return Results.NotFound();
    var (etag, body) = feeds.Current(id);
    http.Response.Headers.ETag = etag;
    if (http.Request.Headers.IfNoneMatch.ToString() == etag)
    {
        stats.Count(304);
        return Results.StatusCode(304);
    }
    stats.Count(200);
    return Results.Bytes(body, "application/rss+xml; charset=utf-8");
});
app.MapPost("/_control/change", (int percent) => Results.Text(feeds.Change(percent).ToString(CultureInfo.InvariantCulture)));
app.MapPost("/_control/reset", () => { stats.Reset(); return Results.Text("ok"); });
app.MapGet("/_control/stats", () => Results.Text(stats.Describe()));

await app.StartAsync();
var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
    .Select(a => new Uri(a)).ToList();
var control = addresses.First(a => a.Host == "127.0.0.1");
var feedHosts = addresses.Where(a => a.Host != "127.0.0.1").OrderBy(a => a.Host, StringComparer.Ordinal).ToList();
var lines = new List<string> { control.AbsoluteUri.TrimEnd('/') };
// Source i lives on host i % HOSTS, so neighbours in the polling order are on different hosts.
for (var i = 0; i < sources; i++) lines.Add($"{feedHosts[i % feedHosts.Count].AbsoluteUri}feeds/{i}.xml");
await File.WriteAllLinesAsync(readyFile + ".tmp", lines);
File.Move(readyFile + ".tmp", readyFile, overwrite: true);
await app.WaitForShutdownAsync();

/// <summary>Each feed: 10 items of realistic size; a change adds a new item on top and drops the oldest.</summary>
internal sealed class Feeds(int count)
{
    private const int Items = 10;
    private readonly int[] _versions = new int[count];
    private readonly (string ETag, byte[] Body)?[] _cache = new (string, byte[])?[count];
    private readonly Lock _lock = new();

    public (string ETag, byte[] Body) Current(int id)
    {
        lock (_lock)
        {
            return _cache[id] ??= Render(id, _versions[id]);
        }
    }

    public int Change(int percent)
    {
        if (percent <= 0) return 0;
        var step = Math.Max(1, 100 / percent);
        var changed = 0;
        lock (_lock)
        {
            for (var i = 0; i < _versions.Length; i += step)
            {
                _versions[i]++;
                _cache[i] = null;
                changed++;
            }
        }
        return changed;
    }

    private static (string, byte[]) Render(int id, int version)
    {
        var start = new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var sb = new StringBuilder(16_000);
        sb.Append(CultureInfo.InvariantCulture, $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel><title>Source {id}</title><link>https://source{id}.example.org/</link><description>Bench source {id}</description>

            """);
        // Newest first: items version+Items-1 down to version.
        for (var n = version + Items - 1; n >= version; n--)
        {
            var date = start.AddHours(n * 5 + (id % 5)).ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"""
                <item><title>Source {id} post {n}: inspection findings published</title>
                <link>https://source{id}.example.org/posts/{n}</link><guid isPermaLink="false">src{id}-post{n}</guid>
                <pubDate>{date}</pubDate><dc:creator>Author {n % 7}</dc:creator><category>News</category>
                <description>&lt;p&gt;Summary of post {n} of source {id}: the inspectors found that the service improved.&lt;/p&gt;</description>
                <content:encoded><![CDATA[<p><strong>Post {n} of source {id}.</strong> The inspection report published today found that leaders
                and staff had made progress since the last inspection, and that <a href="/reports/{n}.pdf">the full report</a> sets out
                twelve recommendations.</p><p>Caseloads remain high in some teams; <em>supervision</em> quality varied. The chief inspector
                said the service must now focus on public protection and on the quality of risk assessment.</p>
                <ul><li>Leadership: good</li><li>Staff: requires improvement</li><li>Partnerships: good</li></ul>
                <p><img src="/images/{n}.jpg" alt="Report cover"/> Read more on <a href="https://source{id}.example.org/posts/{n}">the site</a>.</p>]]></content:encoded>
                </item>

                """);
        }
        sb.Append("</channel></rss>\n");
        return ($"\"s{id}-v{version}\"", Encoding.UTF8.GetBytes(sb.ToString()));
    }
}

/// <summary>Responses counted since the last reset, with the times of the first and the last (Unix ms).</summary>
internal sealed class Stats
{
    private readonly Lock _lock = new();
    private int _ok, _notModified;
    private long _first, _last;

    public void Count(int status)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        lock (_lock)
        {
            if (status == 200) _ok++; else _notModified++;
            if (_first == 0) _first = now;
            _last = now;
        }
    }

    public void Reset()
    {
        lock (_lock) { _ok = 0; _notModified = 0; _first = 0; _last = 0; }
    }

    public string Describe()
    {
        lock (_lock) return string.Create(CultureInfo.InvariantCulture, $"ok={_ok} not_modified={_notModified} first_ms={_first} last_ms={_last}");
    }
}
