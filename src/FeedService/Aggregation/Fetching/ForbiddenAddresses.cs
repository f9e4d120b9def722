using System.Net;
using System.Net.Sockets;

namespace FeedService.Aggregation.Fetching;

/// <summary>
/// The address ranges a fetch must not reach unless private networks are allowed: anything that is not the public
/// internet, where a feed URL could be used to probe our own network or a cloud metadata endpoint (SSRF).
/// </summary>
public static class ForbiddenAddresses
{
    private sealed record Range(IPNetwork Network, string Kind);

    private static readonly Range[] Ranges =
    [
        new(IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        new(IPNetwork.Parse("10.0.0.0/8"), "private"),
        new(IPNetwork.Parse("100.64.0.0/10"), "carrier-grade NAT"),
        new(IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        new(IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        new(IPNetwork.Parse("172.16.0.0/12"), "private"),
        new(IPNetwork.Parse("192.168.0.0/16"), "private"),
        new(IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        new(IPNetwork.Parse("255.255.255.255/32"), "broadcast"),
        new(IPNetwork.Parse("::/128"), "unspecified"),
        new(IPNetwork.Parse("::1/128"), "loopback"),
        new(IPNetwork.Parse("fc00::/7"), "private"),
        new(IPNetwork.Parse("fe80::/10"), "link-local"),
        // Deprecated (RFC 3879) but still routed inside some networks.
        new(IPNetwork.Parse("fec0::/10"), "site-local"),
        new(IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    /// <summary>The well-known NAT64 prefix (RFC 6052); the last 32 bits are the IPv4 address.</summary>
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    /// <summary>The kind of non-public range <paramref name="address"/> is in ("loopback", "private"…), or null when it is public.</summary>
    public static string? KindOf(IPAddress address)
    {
        // ::ffff:10.0.0.1 reaches 10.0.0.1, and so does 64:ff9b::a00:1 through a NAT64 gateway (DNS64 networks,
        // e.g. IPv6-only cloud subnets): judge the IPv4 address they stand for.
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        else if (Nat64.Contains(address)) address = new IPAddress(address.GetAddressBytes()[12..]);
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)) return "non-IP";
        foreach (var range in Ranges)
            if (range.Network.Contains(address)) return range.Kind;
        return null;
    }
}
