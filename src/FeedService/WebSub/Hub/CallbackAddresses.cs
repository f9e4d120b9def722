using System.Net;
using System.Net.Sockets;
using FeedService.Aggregation;
using FeedService.Aggregation.Fetching;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub.Hub;

/// <summary>
/// Refuses, when the request is made, callbacks whose host is or resolves to a loopback, private, link-local,
/// multicast… address (unless FeedService:Aggregation:AllowPrivateNetworks): the hub must not become a way to make
/// this server send requests into its own network. The delivery client's connect step checks again, every time.
/// </summary>
public sealed class CallbackAddresses(IOptions<AggregationOptions> options)
{
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Why the callback is refused, or null when it may be used.</summary>
    public async Task<string?> RefusalAsync(Uri callback, CancellationToken ct)
    {
        if (options.Value.AllowPrivateNetworks) return null;
        var host = callback.IdnHost;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal)) addresses = [literal];
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(LookupTimeout);
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
            }
            catch (SocketException e)
            {
                return $"hub.callback's host {host} does not resolve ({e.SocketErrorCode}).";
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return $"hub.callback's host {host} did not resolve within {LookupTimeout.TotalSeconds:0} s.";
            }
            if (addresses.Length == 0) return $"hub.callback's host {host} does not resolve.";
        }
        foreach (var address in addresses)
        {
            if (ForbiddenAddresses.KindOf(address) is not { } kind) continue;
            var what = literal is not null ? $"{address} is" : $"{host} resolves to {address}, which is";
            return $"hub.callback refused: {what} a {kind} address, and callbacks on private networks are not allowed.";
        }
        return null;
    }
}
