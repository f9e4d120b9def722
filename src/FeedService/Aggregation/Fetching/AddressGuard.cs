using System.Net;
using System.Net.Sockets;

namespace FeedService.Aggregation.Fetching;

/// <summary>
/// The SSRF guard, run as SocketsHttpHandler.ConnectCallback so it sees every connection, including each redirect
/// hop. It resolves the host itself, vets every address, then connects to the vetted address: there is no second
/// DNS lookup a rebinding attacker could answer differently.
/// </summary>
public sealed class AddressGuard(bool allowPrivateNetworks)
{
    /// <summary>
    /// Addresses let through even when private networks are refused. Empty in production; it lets a test on 127.0.0.1
    /// prove that a redirect to another forbidden address is still refused.
    /// </summary>
    internal IReadOnlySet<IPAddress> AlsoAllowed { get; init; } = new HashSet<IPAddress>();

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, ct);
        // Refuse the host when any of its addresses is forbidden: a name that mixes public and private addresses is
        // exactly what a rebinding or split-horizon trick looks like.
        foreach (var address in addresses) Vet(host, address);

        SocketException? last = null;
        foreach (var address in addresses)
        {
#pragma warning disable CA2000 // a socket that fails to connect is disposed below; one that connects is owned by the NetworkStream
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
#pragma warning restore CA2000
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        // DnsEndPoint.Host of http://[::1]/ is "[::1]"; IPAddress.TryParse accepts the brackets.
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        var addresses = await Dns.GetHostAddressesAsync(host, ct);
        return addresses.Length > 0 ? addresses : throw new SocketException((int)SocketError.HostNotFound);
    }

    private void Vet(string host, IPAddress address)
    {
        if (allowPrivateNetworks || AlsoAllowed.Contains(address)) return;
        if (ForbiddenAddresses.KindOf(address) is not { } kind) return;
        var target = IPAddress.TryParse(host, out _) ? $"{address}" : $"{host} resolves to {address}, which";
        throw new FetchRefusedException($"refused: {target} is a {kind} address (private networks are not allowed)");
    }
}
