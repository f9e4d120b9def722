using System.Net;
using FeedService.Aggregation.Fetching;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Aggregation.Fetching;

public sealed class RedirectTests() : FetchTestBase(o => o.MaxRedirects = 3)
{
    private const string Feed = "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Server.MapFeed("/feed", Feed, etag: "\"v1\"");
    }

    [Theory]
    [InlineData(301)]
    [InlineData(308)]
    public async Task A_permanent_redirect_gives_the_new_url_to_store(int status)
    {
        Server.MapRedirect("/old", status, Server.Url("/feed").AbsoluteUri);

        var result = await FetchAsync("/old");

        Assert.Equal(FetchOutcome.Ok, result.Outcome);
        Assert.Equal(Feed, System.Text.Encoding.UTF8.GetString(result.Body!));
        Assert.Equal(Server.Url("/feed"), result.FinalUrl);
        Assert.Equal(Server.Url("/feed"), result.PermanentUrl);
    }

    [Theory]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    public async Task A_temporary_redirect_is_followed_but_not_stored(int status)
    {
        Server.MapRedirect("/today", status, Server.Url("/feed").AbsoluteUri);

        AssertFollowedButNotStored(await FetchAsync("/today"));
    }

    [Fact]
    public async Task A_chain_of_only_permanent_hops_is_stored_as_its_end()
    {
        var result = await FetchThroughChainAsync(301, 308);

        Assert.Equal(Server.Url("/feed"), result.PermanentUrl);
    }

    [Theory]
    [InlineData(301, 302)]
    [InlineData(302, 301)]
    [InlineData(308, 307)]
    public async Task A_temporary_hop_anywhere_in_the_chain_means_nothing_to_store(int first, int second)
    {
        AssertFollowedButNotStored(await FetchThroughChainAsync(first, second));
    }

    [Fact]
    public async Task Relative_locations_are_resolved_against_the_current_url()
    {
        Server.MapRedirect("/dir/a", 302, "b?x=1");
        Server.Map("/dir/b", ctx => LocalFeedServer.WriteAsync(ctx, 302, null, null, ("Location", "../feed")));

        var result = await FetchAsync("/dir/a");

        Assert.Equal(FetchOutcome.Ok, result.Outcome);
        Assert.Equal("?x=1", Server.RequestsTo("/dir/b").Single().Query);
        Assert.Equal(Server.Url("/feed"), result.FinalUrl);
    }

    [Fact]
    public async Task Validators_are_sent_on_every_hop_so_a_redirected_feed_can_answer_304()
    {
        Server.MapRedirect("/today", 302, "/feed");

        var result = await FetchAsync("/today", etag: "\"v1\"");

        Assert.Equal(FetchOutcome.NotModified, result.Outcome);
        Assert.Equal("\"v1\"", Server.RequestsTo("/today").Single().Header("If-None-Match"));
        Assert.Equal("\"v1\"", Server.RequestsTo("/feed").Single().Header("If-None-Match"));
    }

    [Fact]
    public async Task A_permanent_move_to_a_failing_url_is_not_stored()
    {
        Server.MapRedirect("/old", 301, "/broken");
        Server.MapStatus("/broken", 500);

        var result = await FetchAsync("/old");

        Assert.Equal(FetchOutcome.HttpError, result.Outcome);
        Assert.Equal(500, result.StatusCode);
        Assert.Equal(Server.Url("/broken"), result.FinalUrl);
        Assert.Null(result.PermanentUrl);
    }

    [Fact]
    public async Task A_redirect_loop_is_detected_before_the_hop_limit()
    {
        Server.MapRedirect("/ping", 302, "/pong");
        Server.MapRedirect("/pong", 301, "/ping");

        var result = await FetchAsync("/ping");

        Assert.Equal(FetchOutcome.TooManyRedirects, result.Outcome);
        Assert.Contains("loop", result.Error, StringComparison.Ordinal);
        Assert.Single(Server.RequestsTo("/ping"));
        Assert.Single(Server.RequestsTo("/pong"));
        Assert.Null(result.PermanentUrl);
    }

    [Fact]
    public async Task More_than_max_redirects_hops_is_too_many()
    {
        // MaxRedirects is 3: /r0 → /r1 → /r2 → /r3 is fine, one more is not.
        for (var i = 0; i < 5; i++) Server.MapRedirect($"/r{i}", 301, $"/r{i + 1}");
        Server.MapText("/r3", Feed);

        Assert.Equal(FetchOutcome.Ok, (await FetchAsync("/r0")).Outcome);

        Server.MapRedirect("/r3", 301, "/r4");
        Server.MapText("/r4", Feed);
        var result = await FetchAsync("/r0");
        Assert.Equal(FetchOutcome.TooManyRedirects, result.Outcome);
        Assert.Contains("more than 3 redirects", result.Error, StringComparison.Ordinal);
        Assert.Empty(Server.RequestsTo("/r4"));
    }

    [Fact]
    public async Task A_redirect_without_location_is_an_http_error()
    {
        var result = await FetchStatusAsync(301);

        Assert.Equal(FetchOutcome.HttpError, result.Outcome);
        Assert.Equal(301, result.StatusCode);
        Assert.Contains("Location", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://127.0.0.1/feed")]
    [InlineData("gopher://127.0.0.1:70/")]
    public async Task A_redirect_to_another_scheme_is_refused(string location)
    {
        Server.MapRedirect("/sneaky", 302, location);

        var result = await FetchAsync("/sneaky");

        Assert.Equal(FetchOutcome.Refused, result.Outcome);
        Assert.Contains("scheme", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.0.0.1/feed", "10.0.0.1")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254")]
    [InlineData("http://[::1]/feed", "::1")]
    [InlineData("http://[::ffff:192.168.1.1]/feed", "192.168.1.1")]
    public async Task Every_hop_is_checked_by_the_address_guard(string location, string address)
    {
        // Private networks off, with only 127.0.0.1 let through so the first hop reaches the test server.
        await using var guarded = new TestFetcher(o => o.AllowPrivateNetworks = false,
            guard: new AddressGuard(allowPrivateNetworks: false) { AlsoAllowed = new HashSet<IPAddress> { IPAddress.Loopback } });
        Server.MapRedirect("/to-inside", 301, location);

        var result = await guarded.FetchAsync(Server.Url("/to-inside"));

        Assert.Equal(FetchOutcome.Refused, result.Outcome);
        Assert.Contains(address, result.Error, StringComparison.Ordinal);
        Assert.Equal(new Uri(location), result.FinalUrl);
        Assert.Null(result.PermanentUrl);
        Assert.Single(Server.RequestsTo("/to-inside"));
    }

    /// <summary>Fetches /a, which redirects to /b with <paramref name="first"/>, which redirects to /feed with <paramref name="second"/>.</summary>
    private Task<FetchResult> FetchThroughChainAsync(int first, int second)
    {
        Server.MapRedirect("/a", first, "/b");
        Server.MapRedirect("/b", second, "/feed");
        return FetchAsync("/a");
    }

    private void AssertFollowedButNotStored(FetchResult result)
    {
        Assert.Equal(FetchOutcome.Ok, result.Outcome);
        Assert.Equal(Server.Url("/feed"), result.FinalUrl);
        Assert.Null(result.PermanentUrl);
    }
}
