using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Aggregation.Sources;

/// <summary>Sources end to end: the real app polls a real HTTP server on 127.0.0.1 and republishes into its feeds.</summary>
public sealed class PollingTests()
    : AppTestBase(new FeedServiceApp(settings: new Dictionary<string, string> { ["FeedService:Aggregation:MaxConsecutiveFailures"] = "3" }))
{
    private LocalFeedServer _server = null!;
    private HttpClient _writer = null!;

    public override async Task InitializeAsync()
    {
        _server = Own(await LocalFeedServer.StartAsync());
        _writer = App.Writer();
        await App.CreateCategoryAsync("news", "News");
        await App.CreateCategoryAsync("gov", "Government");
    }

    internal static string Rss(string title, params (string Guid, string Title, string Body, string Date)[] items) =>
        $"""
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
        <title>{title}</title><link>https://agency.example.gov/</link><description>d</description>
        {string.Concat(items.Select(i => $"<item><guid isPermaLink=\"false\">{i.Guid}</guid><title>{i.Title}</title><link>https://agency.example.gov/news/{i.Guid}</link><pubDate>{i.Date}</pubDate><description>&lt;p&gt;Summary of {i.Title}&lt;/p&gt;</description><content:encoded><![CDATA[{i.Body}]]></content:encoded></item>"))}
        </channel></rss>
        """;

    private async Task<JsonElement> AddSourceAsync(string path, params string[] categories)
    {
        var response = await _writer.PostAsJsonAsync("/api/sources", new { url = _server.Url(path).AbsoluteUri, categories, pollInterval = "00:30:00" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> PollAsync(long id)
    {
        var response = await _writer.PostAsync($"/api/sources/{id}/poll", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Added_source_is_fetched_at_once_and_republished_with_provenance_then_polled_conditionally()
    {
        _server.MapFeed("/feed.xml", Rss("Agency News",
            ("a1", "First announcement", "<p>Read <a href=\"/report.pdf\">the report</a></p><script>alert(1)</script>", "Mon, 02 Nov 2026 09:00:00 GMT"),
            ("a2", "Second &amp; last", "<p>More</p>", "Tue, 03 Nov 2026 10:00:00 +0100")), etag: "\"v1\"", lastModified: "Tue, 03 Nov 2026 09:00:00 GMT");
        var created = await AddSourceAsync("/feed.xml", "news");
        var source = created.GetProperty("source");
        Assert.Equal(2, created.GetProperty("poll").GetProperty("itemsAdded").GetInt32());
        Assert.Equal("Agency News", source.GetProperty("title").GetString());
        Assert.Equal("rss2.0", source.GetProperty("format").GetString());

        var rss = await App.WaitForFeedAsync("news.rss", x => x.Contains("First announcement", StringComparison.Ordinal) && x.Contains("Second &amp; last", StringComparison.Ordinal));
        Assert.Contains($"<source url=\"{_server.Url("/feed.xml")}\">Agency News</source>", rss, StringComparison.Ordinal);
        Assert.Contains("https://agency.example.gov/news/a1", rss, StringComparison.Ordinal);
        Assert.Contains("https://agency.example.gov/report.pdf", rss, StringComparison.Ordinal);
        Assert.DoesNotContain("alert(1)", rss, StringComparison.Ordinal);
        Assert.Contains("<pubDate>Mon, 02 Nov 2026 09:00:00 +0000</pubDate>", rss, StringComparison.Ordinal);
        FeedAssert.ValidRss(rss, $"{FeedServiceApp.BaseUrl}/feeds/news.rss");
        var atom = await App.WaitForFeedAsync("news.atom", x => x.Contains("First announcement", StringComparison.Ordinal));
        Assert.Contains("<source>", atom, StringComparison.Ordinal);
        FeedAssert.ValidAtom(atom, $"{FeedServiceApp.BaseUrl}/feeds/news.atom");
        // JSON Feed carries the same provenance as an extension object on each aggregated item, and none on local posts.
        var local = await App.CreatePostAsync(new { title = "Ours", content = "<p>ours</p>", categories = new[] { "news" } });
        var json = await App.WaitForFeedAsync("news.json", x => x.Contains("First announcement", StringComparison.Ordinal) && x.Contains(local.Guid, StringComparison.Ordinal));
        var items = JsonDocument.Parse(json).RootElement.GetProperty("items").EnumerateArray().ToList();
        var republished = items.Single(i => i.GetProperty("title").GetString() == "First announcement");
        Assert.Equal(_server.Url("/feed.xml").AbsoluteUri, republished.GetProperty("_source").GetProperty("feed_url").GetString());
        Assert.Equal("Agency News", republished.GetProperty("_source").GetProperty("title").GetString());
        Assert.False(items.Single(i => i.GetProperty("id").GetString() == local.Guid).TryGetProperty("_source", out _));

        var again = await PollAsync(source.GetProperty("id").GetInt64());
        Assert.Equal("NotModified", again.GetProperty("poll").GetProperty("outcome").GetString());
        Assert.Equal(0, again.GetProperty("poll").GetProperty("itemsAdded").GetInt32());
        var second = _server.RequestsTo("/feed.xml")[^1];
        Assert.Equal("\"v1\"", second.Header("If-None-Match"));
        Assert.Equal("Tue, 03 Nov 2026 09:00:00 GMT", second.Header("If-Modified-Since"));
        Assert.StartsWith("FeedService/", second.Header("User-Agent"), StringComparison.Ordinal);
        var status = await _writer.GetFromJsonAsync<JsonElement>($"/api/sources/{source.GetProperty("id").GetInt64()}");
        Assert.Equal(304, status.GetProperty("lastStatus").GetInt32());
        Assert.Equal(0, status.GetProperty("consecutiveFailures").GetInt32());
        Assert.True(status.GetProperty("nextPollAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(25));
    }

    [Fact]
    public async Task An_html_page_is_followed_to_the_feed_it_names()
    {
        _server.MapFeed("/atom.xml", """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Page feed</title><id>urn:x</id><updated>2026-11-01T00:00:00Z</updated>
            <entry><id>urn:e1</id><title>From the page</title><link href="https://site.example/e1"/><updated>2026-11-01T00:00:00Z</updated><summary>s</summary></entry></feed>
            """, contentType: "application/atom+xml");
        _server.MapText("/blog", """<!doctype html><html><head><title>Blog</title><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head><body>hi</body></html>""", "text/html; charset=utf-8");
        var created = await AddSourceAsync("/blog", "news");
        Assert.Equal(_server.Url("/atom.xml").AbsoluteUri, created.GetProperty("source").GetProperty("url").GetString());
        Assert.Equal(_server.Url("/blog").AbsoluteUri, created.GetProperty("source").GetProperty("requestedUrl").GetString());
        await App.WaitForFeedAsync("news.atom", x => x.Contains("From the page", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Urls_that_lead_to_no_feed_are_refused_with_the_reason()
    {
        _server.MapText("/plain", "<!doctype html><html><head><title>No feeds</title></head><body>x</body></html>", "text/html");
        _server.MapText("/junk", "this is not xml at all", "text/plain");
        _server.MapStatus("/missing", 404);
        foreach (var (path, words) in new[] { ("/plain", "links to no"), ("/junk", "not a readable feed"), ("/missing", "404") })
        {
            var response = await _writer.PostAsJsonAsync("/api/sources", new { url = _server.Url(path).AbsoluteUri, categories = new[] { "news" } });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(words, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(0, (await _writer.GetFromJsonAsync<JsonElement>("/api/sources")).GetArrayLength());
    }

    [Fact]
    public async Task Bad_source_requests_get_400_409_401()
    {
        _server.MapFeed("/feed.xml", Rss("T", ("x", "X", "<p>x</p>", "Mon, 02 Nov 2026 09:00:00 GMT")));
        var bad = await _writer.PostAsJsonAsync("/api/sources", new { url = "ftp://x", categories = new[] { "nope" }, pollInterval = "soon" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("url", out _) && errors.TryGetProperty("categories", out _) && errors.TryGetProperty("pollInterval", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await _writer.PostAsJsonAsync("/api/sources", new { url = _server.Url("/feed.xml").AbsoluteUri, pollInterval = "00:00:01" })).StatusCode);
        await AddSourceAsync("/feed.xml", "news");
        Assert.Equal(HttpStatusCode.Conflict, (await _writer.PostAsJsonAsync("/api/sources", new { url = _server.Url("/feed.xml").AbsoluteUri })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().PostAsJsonAsync("/api/sources", new { url = "https://x.example/" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _writer.PostAsync("/api/sources/999/poll", null)).StatusCode);
    }

    [Fact]
    public async Task An_edited_entry_updates_its_post_and_a_deleted_post_does_not_come_back()
    {
        _server.MapFeed("/feed.xml", Rss("Agency", ("k1", "Original title", "<p>v1</p>", "Mon, 02 Nov 2026 09:00:00 GMT"), ("k2", "Keep me", "<p>k</p>", "Mon, 02 Nov 2026 08:00:00 GMT")), etag: "\"1\"");
        var id = (await AddSourceAsync("/feed.xml", "gov")).GetProperty("source").GetProperty("id").GetInt64();
        var before = await App.WaitForFeedAsync("gov.atom", x => x.Contains("Original title", StringComparison.Ordinal));
        var posts = await _writer.GetFromJsonAsync<JsonElement>("/api/posts?category=gov");
        Assert.Equal(2, posts.GetProperty("total").GetInt32());
        var edited = posts.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("title").GetString() == "Original title");
        var guid = edited.GetProperty("guid").GetString()!;

        // Upstream edits k1 and drops k2.
        _server.MapFeed("/feed.xml", Rss("Agency", ("k1", "Corrected title", "<p>v2</p>", "Mon, 02 Nov 2026 09:00:00 GMT")), etag: "\"2\"");
        var poll = await PollAsync(id);
        Assert.Equal(1, poll.GetProperty("poll").GetProperty("itemsUpdated").GetInt32());
        Assert.Equal(0, poll.GetProperty("poll").GetProperty("itemsAdded").GetInt32());
        var after = await App.WaitForFeedAsync("gov.atom", x => x.Contains("Corrected title", StringComparison.Ordinal));
        Assert.Contains(guid, after, StringComparison.Ordinal);
        Assert.DoesNotContain("Original title", after, StringComparison.Ordinal);
        Assert.Contains("Keep me", after, StringComparison.Ordinal);
        posts = await _writer.GetFromJsonAsync<JsonElement>("/api/posts?category=gov");
        Assert.Equal(2, posts.GetProperty("total").GetInt32());
        var updatedAt = posts.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("guid").GetString() == guid).GetProperty("updatedAt").GetDateTimeOffset();
        Assert.True(updatedAt > new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), "an edit moves the item's updated date");
        Assert.NotEqual(before, after);

        // The publisher deletes the post; upstream edits it again; it stays deleted.
        (await _writer.DeleteAsync($"/api/posts/{edited.GetProperty("id").GetInt64()}")).EnsureSuccessStatusCode();
        _server.MapFeed("/feed.xml", Rss("Agency", ("k1", "Edited once more", "<p>v3</p>", "Mon, 02 Nov 2026 09:00:00 GMT")), etag: "\"3\"");
        poll = await PollAsync(id);
        Assert.Equal(0, poll.GetProperty("poll").GetProperty("itemsAdded").GetInt32() + poll.GetProperty("poll").GetProperty("itemsUpdated").GetInt32());
        Assert.DoesNotContain("Edited once more", await _writer.GetStringAsync("/api/posts?category=gov"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_unchanged_upstream_are_left_as_stored_and_the_first_of_two_same_ids_wins()
    {
        var feed = Rss("Agency", ("u1", "Stays", "<p>v1</p>", "Mon, 02 Nov 2026 09:00:00 GMT"), ("u2", "Also stays", "<p>w</p>", "Mon, 02 Nov 2026 08:00:00 GMT"),
            ("u1", "Same id again", "<p>other</p>", "Mon, 02 Nov 2026 07:00:00 GMT"));
        _server.MapFeed("/feed.xml", feed, etag: "\"1\"");
        var created = await AddSourceAsync("/feed.xml", "gov");
        Assert.Equal(2, created.GetProperty("poll").GetProperty("itemsAdded").GetInt32());
        var id = created.GetProperty("source").GetProperty("id").GetInt64();

        // An unchanged entry is never written again (the poller now skips it before sanitizing; this guards what that
        // must not change): a post changed behind the poller's back stays, every item is still counted as seen.
        await using (var c = await TestDatabase.OpenAsync(App.Folder))
        {
            var command = c.CreateCommand();
            command.CommandText = "UPDATE posts SET content = '<p>kept</p>' WHERE source_entry_key = 'id:u1'";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
        _server.MapFeed("/feed.xml", feed, etag: "\"2\"");
        var poll = (await PollAsync(id)).GetProperty("poll");
        Assert.Equal("Ok", poll.GetProperty("outcome").GetString());
        Assert.Equal(3, poll.GetProperty("itemsSeen").GetInt32());
        Assert.Equal(0, poll.GetProperty("itemsAdded").GetInt32() + poll.GetProperty("itemsUpdated").GetInt32());
        var posts = await _writer.GetStringAsync("/api/posts?category=gov");
        Assert.Contains("<p>kept</p>", posts, StringComparison.Ordinal);
        Assert.DoesNotContain("Same id again", posts, StringComparison.Ordinal);

        // A changed entry among unchanged ones is still updated.
        _server.MapFeed("/feed.xml", Rss("Agency", ("u1", "Stays", "<p>v1</p>", "Mon, 02 Nov 2026 09:00:00 GMT"),
            ("u2", "Edited upstream", "<p>w2</p>", "Mon, 02 Nov 2026 08:00:00 GMT")), etag: "\"3\"");
        poll = (await PollAsync(id)).GetProperty("poll");
        Assert.Equal(1, poll.GetProperty("itemsUpdated").GetInt32());
        posts = await _writer.GetStringAsync("/api/posts?category=gov");
        Assert.Contains("Edited upstream", posts, StringComparison.Ordinal);
        Assert.Contains("<p>kept</p>", posts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Permanent_redirects_move_the_source_temporary_ones_do_not()
    {
        _server.MapFeed("/new.xml", Rss("Moved", ("m", "Moved item", "<p>m</p>", "Mon, 02 Nov 2026 09:00:00 GMT")));
        _server.MapFeed("/old.xml", Rss("Old", ("o", "Old item", "<p>o</p>", "Mon, 02 Nov 2026 09:00:00 GMT")));
        var id = (await AddSourceAsync("/old.xml", "news")).GetProperty("source").GetProperty("id").GetInt64();

        _server.MapRedirect("/old.xml", 302, "/new.xml");
        var poll = await PollAsync(id);
        Assert.Equal(_server.Url("/old.xml").AbsoluteUri, poll.GetProperty("source").GetProperty("url").GetString());

        _server.MapRedirect("/old.xml", 301, "/new.xml");
        poll = await PollAsync(id);
        Assert.Equal(_server.Url("/new.xml").AbsoluteUri, poll.GetProperty("source").GetProperty("url").GetString());
        _server.MapStatus("/old.xml", 500);
        poll = await PollAsync(id);
        // The old URL is not asked any more.
        Assert.Contains(poll.GetProperty("poll").GetProperty("outcome").GetString(), new[] { "Ok", "NotModified" });
        Assert.Equal(0, poll.GetProperty("source").GetProperty("consecutiveFailures").GetInt32());
    }

    [Fact]
    public async Task Gone_disables_and_repeated_failures_back_off_then_disable()
    {
        _server.MapFeed("/gone.xml", Rss("G", ("g", "G", "<p>g</p>", "Mon, 02 Nov 2026 09:00:00 GMT")));
        _server.MapFeed("/flaky.xml", Rss("F", ("f", "F", "<p>f</p>", "Mon, 02 Nov 2026 09:00:00 GMT")));
        var gone = (await AddSourceAsync("/gone.xml", "news")).GetProperty("source").GetProperty("id").GetInt64();
        var flaky = (await AddSourceAsync("/flaky.xml", "news")).GetProperty("source").GetProperty("id").GetInt64();

        _server.MapStatus("/gone.xml", 410);
        var poll = await PollAsync(gone);
        Assert.False(poll.GetProperty("source").GetProperty("enabled").GetBoolean());
        Assert.Contains("410", poll.GetProperty("source").GetProperty("disabledReason").GetString(), StringComparison.Ordinal);

        _server.MapStatus("/flaky.xml", 503, ("Retry-After", "7200"));
        poll = await PollAsync(flaky);
        var s = poll.GetProperty("source");
        Assert.Equal(1, s.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal(503, s.GetProperty("lastStatus").GetInt32());
        Assert.False(string.IsNullOrEmpty(s.GetProperty("lastError").GetString()));
        Assert.True(s.GetProperty("nextPollAt").GetDateTimeOffset() >= DateTimeOffset.UtcNow.AddMinutes(119), "Retry-After honoured");
        _server.MapStatus("/flaky.xml", 500);
        await PollAsync(flaky);
        poll = await PollAsync(flaky);
        s = poll.GetProperty("source");
        Assert.Equal(3, s.GetProperty("consecutiveFailures").GetInt32());
        Assert.False(s.GetProperty("enabled").GetBoolean());
        Assert.Contains("3 failures in a row", s.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);

        // Re-enabling clears the count and makes it due now.
        _server.MapFeed("/flaky.xml", Rss("F", ("f", "F", "<p>f</p>", "Mon, 02 Nov 2026 09:00:00 GMT")));
        var put = await _writer.PutAsJsonAsync($"/api/sources/{flaky}", new { categories = new[] { "news" }, enabled = true });
        put.EnsureSuccessStatusCode();
        var enabled = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, enabled.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal(JsonValueKind.Null, enabled.GetProperty("disabledReason").ValueKind);
    }

    [Fact]
    public async Task The_polling_job_polls_due_sources_and_one_hanging_source_does_not_hold_up_another()
    {
        _server.MapFeed("/good.xml", Rss("Good", ("g1", "Good one", "<p>g</p>", "Mon, 02 Nov 2026 09:00:00 GMT")));
        // "localhost" and "127.0.0.1" are different hosts to the fetcher, which takes one request at a time per host.
        var goodUrl = new UriBuilder(_server.Url("/good.xml")) { Host = "localhost" }.Uri;
        // Hangs past the fetch time limit (3 s in tests).
        _server.Map("/slow.xml", async ctx => await Task.Delay(TimeSpan.FromSeconds(10), ctx.RequestAborted));
        var import = await _writer.PostAsync("/api/sources/import", new StringContent($"""
            <opml version="2.0"><head><title>t</title></head><body>
              <outline type="rss" text="slow" xmlUrl="{_server.Url("/slow.xml")}" category="/news"/>
              <outline text="Imported"><outline type="rss" text="good" xmlUrl="{goodUrl}"/></outline>
            </body></opml>
            """, Encoding.UTF8, "text/x-opml"));
        import.EnsureSuccessStatusCode();
        // Imported sources are due at once; the import itself starts the polling job.
        await App.WaitForFeedAsync("imported.rss", x => x.Contains("Good one", StringComparison.Ordinal), TimeSpan.FromSeconds(15));

        async Task<JsonElement> SourceAsync(string path) =>
            (await _writer.GetFromJsonAsync<JsonElement>("/api/sources")).EnumerateArray().Single(s => s.GetProperty("url").GetString()!.EndsWith(path, StringComparison.Ordinal));
        var slow = await SourceAsync("/slow.xml");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (slow.GetProperty("lastOutcome").ValueKind == JsonValueKind.Null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            slow = await SourceAsync("/slow.xml");
        }
        var good = await SourceAsync("/good.xml");
        Assert.True(slow.GetProperty("lastOutcome").GetString() == "Timeout", slow.ToString());
        Assert.Equal(1, slow.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal("Ok", good.GetProperty("lastOutcome").GetString());
        // The good source was done well before the slow one gave up.
        Assert.True(good.GetProperty("lastFetchedAt").GetDateTimeOffset() < slow.GetProperty("lastFetchedAt").GetDateTimeOffset().AddSeconds(-1));
    }

    [Fact]
    public async Task Opml_import_reports_and_export_round_trips()
    {
        var opml = $"""
            <?xml version="1.0"?>
            <opml version="2.0"><head><title>mine</title></head><body>
              <outline text="Science Desk"><outline type="rss" text="one" xmlUrl="{_server.Url("/one.xml")}"/></outline>
              <outline type="rss" text="two" xmlUrl="{_server.Url("/two.xml")}" category="/news,/gov"/>
              <outline type="rss" text="dup" xmlUrl="{_server.Url("/two.xml")}"/>
              <outline type="rss" text="bad" xmlUrl="javascript:alert(1)"/>
              <outline type="rss" text="none"/>
            </body></opml>
            """;
        var response = await _writer.PostAsync("/api/sources/import", new StringContent(opml, Encoding.UTF8, "text/x-opml"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, report.GetProperty("added").GetArrayLength());
        Assert.Equal(1, report.GetProperty("duplicates").GetArrayLength());
        Assert.Equal(2, report.GetProperty("rejected").GetArrayLength());
        Assert.Equal(["science-desk"], report.GetProperty("categoriesCreated").EnumerateArray().Select(c => c.GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await _writer.GetAsync("/api/categories/science-desk")).StatusCode);

        var export = await App.CreateClient().GetAsync("/api/sources/export");
        Assert.Equal("text/x-opml", export.Content.Headers.ContentType!.MediaType);
        var exported = await export.Content.ReadAsStringAsync();

        await using var other = new FeedServiceApp();
        var back = await other.Writer().PostAsync("/api/sources/import", new StringContent(exported, Encoding.UTF8, "application/xml"));
        var otherReport = await back.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, otherReport.GetProperty("added").GetArrayLength());
        string Set(JsonElement sources) => string.Join(";", sources.EnumerateArray()
            .Select(s => s.GetProperty("url").GetString() + "=" + string.Join(",", s.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).Order()))
            .Order());
        Assert.Equal(Set(await _writer.GetFromJsonAsync<JsonElement>("/api/sources")), Set(await other.Writer().GetFromJsonAsync<JsonElement>("/api/sources")));

        var malformed = await _writer.PostAsync("/api/sources/import", new StringContent("<opml><body>", Encoding.UTF8, "text/x-opml"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }
}

public sealed class PrivateNetworkTests
{
    [Fact]
    public async Task Sources_on_private_networks_are_refused_unless_allowed()
    {
        await using var server = await LocalFeedServer.StartAsync();
        server.MapFeed("/feed.xml", PollingTests.Rss("Local", ("l", "L", "<p>l</p>", "Mon, 02 Nov 2026 09:00:00 GMT")));
        await using var app = new FeedServiceApp(settings: new Dictionary<string, string> { ["FeedService:Aggregation:AllowPrivateNetworks"] = "false" });
        var response = await app.Writer().PostAsJsonAsync("/api/sources", new { url = server.Url("/feed.xml").AbsoluteUri });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("127.0.0.1", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}

public sealed class PollScheduleTests
{
    [Fact]
    public async Task Sources_are_polled_on_their_schedule_without_being_asked()
    {
        await using var server = await LocalFeedServer.StartAsync();
        server.MapFeed("/feed.xml", PollingTests.Rss("Sched", ("s1", "First of schedule", "<p>1</p>", "Mon, 02 Nov 2026 09:00:00 GMT")), etag: "\"1\"");
        await using var app = new FeedServiceApp(settings: new Dictionary<string, string>
        {
            ["FeedService:Aggregation:MinPollInterval"] = "00:00:01",
            ["FeedService:Aggregation:PollCron"] = "* * * * * ?",
        });
        await app.CreateCategoryAsync("sched");
        var created = await app.Writer().PostAsJsonAsync("/api/sources", new { url = server.Url("/feed.xml").AbsoluteUri, categories = new[] { "sched" }, pollInterval = "00:00:02" });
        created.EnsureSuccessStatusCode();
        await app.WaitForFeedAsync("sched.rss", x => x.Contains("First of schedule", StringComparison.Ordinal));

        // Publish upstream; nobody calls the API; the job picks the source up when it is due.
        server.MapFeed("/feed.xml", PollingTests.Rss("Sched",
            ("s2", "Second of schedule", "<p>2</p>", "Tue, 03 Nov 2026 09:00:00 GMT"),
            ("s1", "First of schedule", "<p>1</p>", "Mon, 02 Nov 2026 09:00:00 GMT")), etag: "\"2\"");
        var rss = await app.WaitForFeedAsync("sched.rss", x => x.Contains("Second of schedule", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Contains($"<source url=\"{server.Url("/feed.xml")}\">Sched</source>", rss, StringComparison.Ordinal);
        // Every poll after the first was conditional.
        Assert.All(server.RequestsTo("/feed.xml").Skip(1), r => Assert.NotNull(r.Header("If-None-Match")));
    }
}
