using System.Security.Cryptography;
using System.Text;
using FeedService.Aggregation;
using FeedService.Aggregation.Fetching;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub.Subscriber;

/// <summary>
/// Our WebSub callback, one URL per source subscription (/websub/callback/{token}): the hub's intent verification
/// (GET) and its content deliveries (POST), which go through the same parse → sanitize → dedupe → store path as polls.
/// </summary>
public static class CallbackApi
{
    public static IEndpointRouteBuilder MapWebSubCallback(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/websub/callback").WithTags("WebSub").ExcludeFromDescription();
        group.MapGet("/{token}", VerifyAsync);
        group.MapPost("/{token}", ReceiveAsync);
        return group;
    }

    /// <summary>Confirms a subscription we asked for (echoing the challenge), records a denial, refuses anything else.</summary>
    private static async Task<IResult> VerifyAsync(string token, HttpRequest request, PushStore store, TimeProvider clock,
        IOptions<WebSubOptions> options, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger("FeedService.WebSub.Subscriber");
        var query = request.Query;
        string mode = query["hub.mode"].ToString(), topic = query["hub.topic"].ToString(), challenge = query["hub.challenge"].ToString();
        var subscription = await store.OfTokenAsync(token, ct);
        if (subscription is null || subscription.TopicUrl != topic)
        {
            // Unsubscribing something we no longer hold is what we want; anything else we never asked for.
            if (mode == "unsubscribe" && challenge.Length > 0) return TypedResults.Text(challenge, "text/plain");
            logger.LogWarning("Refused a {Mode} verification for {Topic}: no such subscription", mode, topic);
            return TypedResults.NotFound();
        }
        switch (mode)
        {
            case "subscribe" when challenge.Length > 0:
                var lease = long.TryParse(query["hub.lease_seconds"], out var seconds) && seconds > 0
                    ? seconds : (long)options.Value.SubscriptionLease.TotalSeconds;
                await store.VerifiedAsync(token, lease, clock.GetUtcNow(), ct);
                logger.LogInformation("Hub {Hub} confirmed push of {Topic} for {Lease} s", subscription.HubUrl, topic, lease);
                return TypedResults.Text(challenge, "text/plain");
            case "denied":
                await store.StateAsync(subscription.SourceId, PushState.Denied, query["hub.reason"].ToString() is { Length: > 0 } reason ? reason : "denied by the hub", ct);
                logger.LogWarning("Hub {Hub} denied push of {Topic}: {Reason}", subscription.HubUrl, topic, query["hub.reason"].ToString());
                return TypedResults.Ok();
            default:
                return TypedResults.NotFound();
        }
    }

    /// <summary>
    /// A delivery. Bodies without a valid signature are ignored but still answered 2xx, as WebSub requires (so a forger
    /// learns nothing); a token we do not know gets 410 Gone, which tells the hub to stop.
    /// </summary>
    private static async Task<IResult> ReceiveAsync(string token, HttpRequest request, PushStore store, SourceStore sources, Ingest ingest,
        SourcePoller poller, IOptions<AggregationOptions> aggregation, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger("FeedService.WebSub.Subscriber");
        var subscription = await store.OfTokenAsync(token, ct);
        if (subscription is null || subscription.State is PushState.Denied or PushState.Expired) return TypedResults.StatusCode(StatusCodes.Status410Gone);

        var body = await ReadCappedAsync(request, aggregation.Value.MaxBodyBytes, ct);
        if (body is null)
        {
            logger.LogWarning("Ignored a push for {Topic}: body over the size cap", subscription.TopicUrl);
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        if (!SignatureMatches(request.Headers["X-Hub-Signature"].ToString(), subscription.Secret, body))
        {
            logger.LogWarning("Ignored a push for {Topic}: missing or wrong X-Hub-Signature", subscription.TopicUrl);
            return TypedResults.Accepted((string?)null);
        }
        var source = await sources.GetAsync(subscription.SourceId, ct);
        if (source is null) return TypedResults.StatusCode(StatusCodes.Status410Gone);

        var topic = new Uri(subscription.TopicUrl);
        var fetch = new FetchResult(FetchOutcome.Ok, 200, body, request.ContentType, null, null, topic, null, null, null, null, null);
        await poller.ApplyAsync(source, await ingest.ReadAsync(fetch, discover: false, ct), ct, pushed: true);
        await store.PushedAsync(source.Id, clock.GetUtcNow(), ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<byte[]?> ReadCappedAsync(HttpRequest request, long cap, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > cap) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>X-Hub-Signature: method=hex HMAC of the body (sha1, sha256, sha384 or sha512), compared in constant time.</summary>
    public static bool SignatureMatches(string header, string secret, byte[] body)
    {
        var eq = header.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) return false;
        var key = Encoding.UTF8.GetBytes(secret);
        byte[]? expected = header[..eq].Trim().ToLowerInvariant() switch
        {
#pragma warning disable CA5350 // WebSub lets hubs sign with sha1; HMAC-SHA1 is not broken the way plain SHA-1 is
            "sha1" => HMACSHA1.HashData(key, body),
#pragma warning restore CA5350
            "sha256" => HMACSHA256.HashData(key, body),
            "sha384" => HMACSHA384.HashData(key, body),
            "sha512" => HMACSHA512.HashData(key, body),
            _ => null,
        };
        if (expected is null) return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(header[(eq + 1)..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
