using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub.Hub;

/// <summary>A topic's document as it is pushed: the bytes, their type and the Link header naming hub and topic.</summary>
public sealed record HubDocument(string Topic, byte[] Body, string ContentType, string LinkHeader);

/// <summary>What one POST to a callback came to.</summary>
public sealed record DeliveryResult(int? StatusCode, string? Error, double DurationMs)
{
    public bool Delivered => StatusCode is >= 200 and < 300;
}

/// <summary>Content distribution (WebSub §7): one POST of the document to one callback, signed when the subscriber gave a secret.</summary>
public sealed class DeliverySender([FromKeyedServices(HubHttp.ClientKey)] HttpClient http, IOptions<WebSubOptions> options)
{
    public async Task<DeliveryResult> SendAsync(HubDocument document, ActiveSubscriber subscriber, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var url = new Uri(subscriber.Callback);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(document.Body) };
            message.Content.Headers.TryAddWithoutValidation("Content-Type", document.ContentType);
            message.Headers.TryAddWithoutValidation("Link", document.LinkHeader);
            if (!string.IsNullOrEmpty(subscriber.Secret))
                message.Headers.TryAddWithoutValidation("X-Hub-Signature", Signature(subscriber.Secret, document.Body));
            // Headers are the answer; whatever body the subscriber sends is drained (or dropped) by the handler.
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            var error = status is >= 200 and < 300 ? null : $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
            return new DeliveryResult(status, error, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            // Our shutdown is the caller's to see; the subscriber being slow, unreachable or refused is a result.
            ct.ThrowIfCancellationRequested();
            var error = HubHttp.Describe(e, url, e is OperationCanceledException, options.Value.RequestTimeoutSeconds);
            return new DeliveryResult(null, error, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>"sha256=" and the lower-case hex HMAC-SHA256 of the body, keyed with the subscriber's secret (WebSub §8).</summary>
    public static string Signature(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
