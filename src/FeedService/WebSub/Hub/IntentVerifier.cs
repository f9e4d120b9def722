using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub.Hub;

/// <summary>
/// Verification of intent (WebSub §5.3), after the request was answered 202: a GET to the callback with hub.mode,
/// hub.topic, hub.challenge and (subscribe) the granted hub.lease_seconds, added to the callback's own query. Only a
/// 2xx whose body is exactly the challenge verifies. Then a subscribe is activated (or renewed) and an unsubscribe
/// removes the subscription; an unverified first subscribe leaves nothing, an unverified renewal leaves the existing
/// subscription as it was. Requests for the same subscription are verified in the order they came.
/// </summary>
public sealed class IntentVerifier([FromKeyedServices(HubHttp.ClientKey)] HttpClient http, SubscriptionStore subscriptions, HubLogStore history,
    HubWork work, IOptions<WebSubOptions> options, TimeProvider clock, ILogger<IntentVerifier> logger) : IDisposable
{
    /// <summary>Verifications in flight at once.</summary>
    private const int Concurrency = 16;

    /// <summary>Requests waiting for verification at most; beyond, the hub answers 503.</summary>
    public const int MaxWaiting = 10_000;

    /// <summary>Longest answer read: the challenge is short, anything this long is not it.</summary>
    private const int MaxEchoBytes = 1024;

    private readonly SemaphoreSlim _slots = new(Concurrency);
    private readonly Lock _lock = new();
    private readonly Dictionary<(string, string), Task> _tails = [];
    private int _waiting;

    /// <summary>Queues the verification; false when too many are waiting (or the service is stopping).</summary>
    public bool TryQueue(IntentRequest request)
    {
        if (work.Stopping.IsCancellationRequested) return false;
        if (Interlocked.Increment(ref _waiting) > MaxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            return false;
        }
        var key = request.Key;
        Task next;
        lock (_lock)
        {
            var previous = _tails.GetValueOrDefault(key) ?? Task.CompletedTask;
            // After the previous request for this subscription, on the thread pool (never under this lock).
            next = previous.ContinueWith(_ => VerifyAsync(request, work.Stopping), CancellationToken.None,
                TaskContinuationOptions.DenyChildAttach, TaskScheduler.Default).Unwrap();
            _tails[key] = next;
        }
        work.Track($"verify {request.ModeName} {request.Callback}", next.ContinueWith(done =>
        {
            Interlocked.Decrement(ref _waiting);
            lock (_lock)
                if (_tails.TryGetValue(key, out var tail) && tail == done) _tails.Remove(key);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
        return true;
    }

    private async Task VerifyAsync(IntentRequest request, CancellationToken ct)
    {
        try
        {
            await _slots.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            var (outcome, status, error) = await AskAsync(request, ct);
            var now = clock.GetUtcNow();
            var callback = request.Callback.AbsoluteUri;
            var verified = outcome == VerificationOutcomes.Verified;
            if (request.Mode == HubMode.Subscribe && verified)
                await subscriptions.ActivateAsync(request.Topic, callback, request.Secret, request.LeaseSeconds, now, ct);
            else if (request.Mode == HubMode.Subscribe)
                await subscriptions.RemovePendingAsync(request.Topic, callback, ct);
            else if (verified)
                await subscriptions.RemoveAsync(request.Topic, callback, ct);

            await history.AddVerificationAsync(new VerificationEntry
            {
                Mode = request.ModeName,
                Topic = request.Topic,
                Callback = callback,
                LeaseSeconds = request.Mode == HubMode.Subscribe ? request.LeaseSeconds : null,
                Outcome = outcome,
                StatusCode = status,
                Error = error,
                At = now,
            }, ct);
            if (verified)
                logger.LogInformation("Verified {Mode} of {Callback} to {Topic} (lease {LeaseSeconds} s)", request.ModeName, callback, request.Topic,
                    request.Mode == HubMode.Subscribe ? request.LeaseSeconds : 0);
            else
                logger.LogInformation("Verification of {Mode} of {Callback} to {Topic} {Outcome}: {Error}", request.ModeName, callback, request.Topic, outcome, error);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping. A pending subscription left behind is removed by the cleanup; the subscriber asks again.
        }
#pragma warning disable CA1031 // a verification runs in the background: whatever fails is logged
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Verifying {Mode} of {Callback} to {Topic} failed", request.ModeName, request.Callback, request.Topic);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<(string Outcome, int? Status, string? Error)> AskAsync(IntentRequest request, CancellationToken ct)
    {
        var challenge = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var url = VerificationUrl(request, challenge);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            if (status is < 200 or >= 300) return (VerificationOutcomes.Refused, status, $"HTTP {status} {response.ReasonPhrase}".TrimEnd());
            var echo = await ReadAtMostAsync(response.Content, MaxEchoBytes, ct);
            return echo.AsSpan().SequenceEqual(Encoding.ASCII.GetBytes(challenge))
                ? (VerificationOutcomes.Verified, status, null)
                : (VerificationOutcomes.Refused, status, "the response body was not the challenge");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            ct.ThrowIfCancellationRequested();
            return (VerificationOutcomes.Failed, null, HubHttp.Describe(e, url, e is OperationCanceledException, options.Value.RequestTimeoutSeconds));
        }
    }

    /// <summary>The callback with the hub.* parameters appended to whatever query it already has (WebSub §5.3).</summary>
    public static Uri VerificationUrl(IntentRequest request, string challenge)
    {
        var query = new StringBuilder()
            .Append("hub.mode=").Append(request.ModeName)
            .Append("&hub.topic=").Append(Uri.EscapeDataString(request.RequestedTopic))
            .Append("&hub.challenge=").Append(challenge);
        if (request.Mode == HubMode.Subscribe) query.Append("&hub.lease_seconds=").Append(request.LeaseSeconds);
        var callback = request.Callback;
        var existing = callback.Query.Length > 1 ? callback.Query + "&" : "?";
        return new Uri(callback.GetLeftPart(UriPartial.Path) + existing + query);
    }

    private static async Task<byte[]> ReadAtMostAsync(HttpContent content, int maxBytes, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[maxBytes + 1];
        var total = 0;
        // Bounded: every pass reads at least one byte into a buffer of fixed size, or ends.
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), ct);
            if (read == 0) break;
            total += read;
        }
        return buffer[..total];
    }

    public void Dispose() => _slots.Dispose();
}
