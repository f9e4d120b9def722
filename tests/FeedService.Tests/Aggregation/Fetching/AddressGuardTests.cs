using System.Diagnostics;
using System.Globalization;
using System.Net;
using FeedService.Aggregation.Fetching;
using Xunit;

namespace FeedService.Tests.Aggregation.Fetching;

/// <summary>The SSRF guard, through real fetches: refused addresses never see a request; allowed ones work.</summary>
public sealed class AddressGuardTests() : FetchTestBase(o => o.AllowPrivateNetworks = false)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Server.MapText("/feed", "<rss/>");
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1 is a loopback address")]
    [InlineData("localhost", "localhost resolves to 127.0.0.1, which is a loopback address")]
    [InlineData("[::1]", "::1 is a loopback address")]
    [InlineData("[::ffff:127.0.0.1]", "127.0.0.1 is a loopback address")]
    public async Task The_local_server_is_refused_and_never_contacted(string host, string reason)
    {
        var url = new Uri(string.Format(CultureInfo.InvariantCulture, "http://{0}:{1}/feed", host, Server.Port));

        var result = await Fetcher.FetchAsync(url);

        Assert.Equal(FetchOutcome.Refused, result.Outcome);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.Null(result.StatusCode);
        Assert.Empty(Server.Requests);
    }

    [Theory]
    [InlineData("http://10.0.0.1/feed", "10.0.0.1 is a private address")]
    [InlineData("http://172.16.5.4/feed", "172.16.5.4 is a private address")]
    [InlineData("http://192.168.1.1/feed", "192.168.1.1 is a private address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address")]
    [InlineData("http://100.64.0.1/feed", "100.64.0.1 is a carrier-grade NAT address")]
    [InlineData("http://0.0.0.0/feed", "0.0.0.0 is a unspecified address")]
    [InlineData("http://224.0.0.1/feed", "224.0.0.1 is a multicast address")]
    [InlineData("http://[fd00::2]/feed", "fd00::2 is a private address")]
    [InlineData("http://[fe80::1]/feed", "fe80::1 is a link-local address")]
    [InlineData("http://[::]/feed", ":: is a unspecified address")]
    [InlineData("http://[::ffff:10.0.0.1]/feed", "10.0.0.1 is a private address")]
    [InlineData("https://169.254.169.254/", "169.254.169.254 is a link-local address")]
    public async Task Forbidden_networks_are_refused_before_connecting(string url, string reason)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await Fetcher.FetchAsync(new Uri(url));

        Assert.Equal(FetchOutcome.Refused, result.Outcome);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        // Refused at once: no connect attempt that would wait for ConnectTimeoutSeconds.
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task The_local_server_is_reached_when_private_networks_are_allowed(string host)
    {
        await using var open = new TestFetcher(o => o.AllowPrivateNetworks = true);

        var result = await open.FetchAsync(new Uri(string.Format(CultureInfo.InvariantCulture, "http://{0}:{1}/feed", host, Server.Port)));

        Assert.Equal(FetchOutcome.Ok, result.Outcome);
        Assert.Single(Server.Requests);
    }

    [Theory]
    [InlineData("10.0.0.0", "private")]
    [InlineData("10.255.255.255", "private")]
    [InlineData("172.16.0.0", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.0.1", "private")]
    [InlineData("127.1.2.3", "loopback")]
    [InlineData("169.254.0.1", "link-local")]
    [InlineData("100.64.0.0", "carrier-grade NAT")]
    [InlineData("100.127.255.255", "carrier-grade NAT")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "unspecified")]
    [InlineData("239.255.255.250", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("fc00::1", "private")]
    [InlineData("fdff:ffff::1", "private")]
    [InlineData("fe80::abcd", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::ffff:100.100.100.100", "carrier-grade NAT")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("fec0::1", "site-local")]
    public void Non_public_addresses_are_named_by_kind(string address, string kind) =>
        Assert.Equal(kind, ForbiddenAddresses.KindOf(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("223.255.255.255")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_pass(string address) =>
        Assert.Null(ForbiddenAddresses.KindOf(IPAddress.Parse(address)));
}
