using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FeedService.Tests.Infrastructure;
using FeedService.WebSub.Subscriber;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace FeedService.Tests.WebSub.Subscriber;

/// <summary>
/// The aggregator subscribes to a source's hub. The app listens on real HTTP; the test plays the hub: it records the
/// subscription request, verifies intent against the app's callback and delivers content to it, signed.
/// </summary>
public sealed class PushSubscriptionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private LocalFeedServer _origin = null!;
    private FeedServiceApp _app = null!;
    private HttpClient _http = null!;
    private readonly ConcurrentQueue<Dictionary<string, string>> _hubRequests = new();

    public async Task InitializeAsync()
    {
        _origin = await LocalFeedServer.StartAsync();
        _origin.Map("/hub", async ctx =>
        {
            var form = await ctx.Request.ReadFormAsync();
            _hubRequests.Enqueue(form.ToDictionary(f => f.Key, f => f.Value.ToString()));
            ctx.Response.StatusCode = 202;
        });
        _origin.MapFeed("/feed.atom", Atom(("e1", "First entry")), contentType: "application/atom+xml", etag: "\"1\"");
        // No periodic regeneration: a pushed entry that reaches a feed was brought by the push's own trigger.
        _app = new FeedServiceApp(clock: _clock, realHttp: true, settings: FeedServiceApp.NoPeriodicRegeneration);
        _http = new HttpClient { BaseAddress = new Uri(_app.PublicBaseUrl) };
        await _app.CreateCategoryAsync("pushed");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _origin.DisposeAsync();
    }

    private string Atom(params (string Id, string Title)[] entries) => $"""
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Origin</title><id>urn:origin</id><updated>2026-11-01T00:00:00Z</updated>
        <link rel="hub" href="{_origin.Url("/hub")}"/><link rel="self" href="{_origin.Url("/feed.atom")}"/>
        {string.Concat(entries.Select(e => $"<entry><id>urn:{e.Id}</id><title>{e.Title}</title><link href=\"https://origin.example/{e.Id}\"/><updated>2026-11-01T00:00:00Z</updated><content type=\"html\">&lt;p&gt;{e.Title}&lt;/p&gt;</content></entry>"))}
        </feed>
        """;

    private async Task<(long SourceId, Dictionary<string, string> Request)> AddSourceAsync()
    {
        var response = await _app.Writer().PostAsJsonAsync("/api/sources", new { url = _origin.Url("/feed.atom").AbsoluteUri, categories = new[] { "pushed" } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("source").GetProperty("id").GetInt64();
        Assert.True(_hubRequests.TryDequeue(out var request), "the app did not ask the hub");
        return (id, request);
    }

    private async Task<HttpResponseMessage> VerifyAsync(string callback, string mode, string topic, string challenge, int lease = 864_000) =>
        await _http.GetAsync($"{callback}?hub.mode={mode}&hub.topic={Uri.EscapeDataString(topic)}&hub.challenge={challenge}&hub.lease_seconds={lease}");

    private async Task<HttpResponseMessage> DeliverAsync(string callback, string body, string? secret)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, callback) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/atom+xml");
        if (secret is not null) request.Headers.Add("X-Hub-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), bytes)));
        return await _http.SendAsync(request);
    }

    [Fact]
    public async Task A_source_that_names_a_hub_is_subscribed_verified_and_fed_by_push_not_polling()
    {
        var (sourceId, request) = await AddSourceAsync();
        Assert.Equal("subscribe", request["hub.mode"]);
        Assert.Equal(_origin.Url("/feed.atom").AbsoluteUri, request["hub.topic"]);
        Assert.StartsWith($"{_app.PublicBaseUrl}/websub/callback/", request["hub.callback"], StringComparison.Ordinal);
        Assert.True(request["hub.secret"].Length >= 32);
        var callback = request["hub.callback"];

        // Verification: only the topic we asked for is confirmed.
        Assert.Equal(HttpStatusCode.NotFound, (await VerifyAsync(callback, "subscribe", "https://other.example/feed", "nope")).StatusCode);
        var verified = await VerifyAsync(callback, "subscribe", request["hub.topic"], "ch4llenge");
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.Equal("ch4llenge", await verified.Content.ReadAsStringAsync());
        var push = await _app.Services.GetRequiredService<PushStore>().OfSourceAsync(sourceId);
        Assert.Equal(PushState.Active, push!.State);

        // A forged delivery is acknowledged and ignored.
        var forged = await DeliverAsync(callback, Atom(("e1", "First entry"), ("evil", "Forged entry")), "wrong-secret");
        Assert.True(forged.IsSuccessStatusCode);
        Assert.True((await DeliverAsync(callback, Atom(("evil", "Forged entry")), null)).IsSuccessStatusCode);

        // A signed delivery goes through the ordinary ingest path, and reaches the category feed.
        var delivered = await DeliverAsync(callback, Atom(("e2", "Pushed entry"), ("e1", "First entry")), request["hub.secret"]);
        Assert.Equal(HttpStatusCode.Accepted, delivered.StatusCode);
        // No periodic regeneration, and the next poll a day away (below): only the push can have brought it.
        var rss = await _app.WaitForFeedAsync("pushed.rss", x => x.Contains("Pushed entry", StringComparison.Ordinal));
        Assert.DoesNotContain("Forged entry", rss, StringComparison.Ordinal);
        Assert.Contains($"<source url=\"{_origin.Url("/feed.atom")}\">Origin</source>", rss, StringComparison.Ordinal);

        // By push, not by polling: the origin was fetched once (when the source was added), and the next poll is a day away.
        Assert.Single(_origin.RequestsTo("/feed.atom"));
        var source = await _app.Writer().GetFromJsonAsync<JsonElement>($"/api/sources/{sourceId}");
        Assert.Equal("Pushed", source.GetProperty("lastOutcome").GetString());
        Assert.True(source.GetProperty("nextPollAt").GetDateTimeOffset() >= _clock.GetUtcNow().AddHours(23));
    }

    [Fact]
    public async Task Leases_are_renewed_before_they_end_and_a_lapsed_one_sends_the_source_back_to_polling()
    {
        var (sourceId, request) = await AddSourceAsync();
        await VerifyAsync(request["hub.callback"], "subscribe", request["hub.topic"], "c", lease: 3 * 86_400);
        var renewal = _app.Services.GetRequiredService<PushRenewal>();
        var store = _app.Services.GetRequiredService<PushStore>();

        _clock.Advance(TimeSpan.FromDays(1));
        await renewal.RunOnceAsync(CancellationToken.None);
        Assert.Empty(_hubRequests);

        // Within a day of the end: renewed with the same callback and secret, and still live meanwhile.
        _clock.Advance(TimeSpan.FromDays(1.5));
        await renewal.RunOnceAsync(CancellationToken.None);
        // (The app's own renewal timer runs on the same fake clock and may have asked first: wait for either.)
        var deadline = DateTime.UtcNow.AddSeconds(5);
        Dictionary<string, string>? renew;
        while (!_hubRequests.TryDequeue(out renew) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.NotNull(renew);
        Assert.Equal("subscribe", renew["hub.mode"]);
        Assert.Equal(request["hub.callback"], renew["hub.callback"]);
        Assert.Equal(request["hub.secret"], renew["hub.secret"]);
        Assert.Equal(PushState.Active, (await store.OfSourceAsync(sourceId))!.State);

        // The hub never confirms: the lease lapses and the source is due for polling at once.
        _clock.Advance(TimeSpan.FromDays(1));
        await renewal.RunOnceAsync(CancellationToken.None);
        Assert.Equal(PushState.Expired, (await store.OfSourceAsync(sourceId))!.State);
        // Polling resumes at once (the polling job runs on the same clock): a conditional GET reaches the origin.
        var deadline2 = DateTime.UtcNow.AddSeconds(40);
        while (_origin.RequestsTo("/feed.atom").Count < 2 && DateTime.UtcNow < deadline2)
        {
            await Task.Delay(50);
            if (_origin.RequestsTo("/feed.atom").Count < 2) _clock.Advance(TimeSpan.FromSeconds(30));
        }
        Assert.Equal("\"1\"", _origin.RequestsTo("/feed.atom")[^1].Header("If-None-Match"));
        Assert.Equal(HttpStatusCode.Gone, (await DeliverAsync(request["hub.callback"], Atom(("late", "Late")), request["hub.secret"])).StatusCode);
    }

    [Fact]
    public async Task A_denied_subscription_is_recorded_and_unknown_callbacks_are_gone()
    {
        var (sourceId, request) = await AddSourceAsync();
        var denied = await _http.GetAsync($"{request["hub.callback"]}?hub.mode=denied&hub.topic={Uri.EscapeDataString(request["hub.topic"])}&hub.reason=not+allowed");
        Assert.Equal(HttpStatusCode.OK, denied.StatusCode);
        var push = await _app.Services.GetRequiredService<PushStore>().OfSourceAsync(sourceId);
        Assert.Equal(PushState.Denied, push!.State);
        Assert.Equal("not allowed", push.LastError);
        Assert.Equal(HttpStatusCode.Gone, (await DeliverAsync($"{_app.PublicBaseUrl}/websub/callback/0123456789abcdef", "<feed/>", "x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await VerifyAsync($"{_app.PublicBaseUrl}/websub/callback/0123456789abcdef", "subscribe", "t", "c")).StatusCode);
    }
}
