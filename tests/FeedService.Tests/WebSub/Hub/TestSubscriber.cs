using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using FeedService.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace FeedService.Tests.WebSub.Hub;

/// <summary>A content delivery as the subscriber received it. Times are Stopwatch timestamps.</summary>
public sealed record ReceivedDelivery(string Path, byte[] Body, IReadOnlyDictionary<string, string> Headers, int AnsweredWith, long StartedAt, long EndedAt)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A verification of intent as the subscriber received it.</summary>
public sealed record ReceivedVerification(string Path, IReadOnlyDictionary<string, string> Query, int AnsweredWith, string AnsweredBody)
{
    public string? this[string name] => Query.TryGetValue(name, out var value) ? value : null;
}

/// <summary>How a callback answers a verification GET.</summary>
public enum Echo
{
    /// <summary>200 with the challenge: the subscriber confirms.</summary>
    Challenge,

    /// <summary>200 with something else.</summary>
    WrongBody,

    /// <summary>404: the subscriber knows nothing of it.</summary>
    NotFound,
}

/// <summary>
/// WebSub subscribers on a real HTTP server (<see cref="LocalFeedServer"/>, 127.0.0.1): callbacks that answer
/// verifications as told and record every delivery with its body, headers and when it was handled.
/// </summary>
public sealed class TestSubscriber : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedDelivery> _deliveries = new();
    private readonly ConcurrentQueue<ReceivedVerification> _verifications = new();

    private TestSubscriber(LocalFeedServer server) => Server = server;

    public LocalFeedServer Server { get; }

    public static async Task<TestSubscriber> StartAsync() => new(await LocalFeedServer.StartAsync());

    /// <summary>The absolute callback URL of a path on this server, e.g. "/cb/1?token=x".</summary>
    public string Callback(string pathAndQuery) => Server.Url(pathAndQuery).AbsoluteUri;

    /// <summary>
    /// Serves <paramref name="path"/> as a callback: verifications answered per <paramref name="echo"/>, deliveries with
    /// the status <paramref name="deliveryStatus"/> returns for the n-th delivery (1-based; 204 by default), after
    /// <paramref name="delay"/>.
    /// </summary>
    public void Accept(string path, Echo echo = Echo.Challenge, Func<int, int>? deliveryStatus = null, TimeSpan? delay = null)
    {
        var received = 0;
        Server.Map(path, async context =>
        {
            var request = context.Request;
            if (HttpMethods.IsGet(request.Method))
            {
                var query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
                var (status, body) = echo switch
                {
                    Echo.Challenge => (200, query.GetValueOrDefault("hub.challenge") ?? ""),
                    Echo.WrongBody => (200, "not-the-challenge"),
                    _ => (404, ""),
                };
                _verifications.Enqueue(new ReceivedVerification(path, query, status, body));
                await LocalFeedServer.WriteAsync(context, status, Encoding.UTF8.GetBytes(body), "text/plain");
                return;
            }
            var started = Stopwatch.GetTimestamp();
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            if (delay is { } wait) await Task.Delay(wait, context.RequestAborted);
            var answer = deliveryStatus?.Invoke(Interlocked.Increment(ref received)) ?? 204;
            context.Response.StatusCode = answer;
            _deliveries.Enqueue(new ReceivedDelivery(path, buffer.ToArray(), headers, answer, started, Stopwatch.GetTimestamp()));
        });
    }

    public IReadOnlyList<ReceivedDelivery> Deliveries => [.. _deliveries];

    public IReadOnlyList<ReceivedDelivery> DeliveriesTo(string path) => [.. _deliveries.Where(d => d.Path == path)];

    public IReadOnlyList<ReceivedVerification> VerificationsOf(string path) => [.. _verifications.Where(v => v.Path == path)];

    /// <summary>Waits (bounded) for a delivery to <paramref name="path"/> that satisfies <paramref name="predicate"/>.</summary>
    public Task<ReceivedDelivery> WaitForDeliveryAsync(string path, Func<ReceivedDelivery, bool> predicate, TimeSpan? timeout = null) =>
        WaitForDeliveryAsync(d => d.Path == path && predicate(d), timeout, $"to {path}");

    /// <summary>Waits (bounded) for any delivery that satisfies <paramref name="predicate"/>.</summary>
    public async Task<ReceivedDelivery> WaitForDeliveryAsync(Func<ReceivedDelivery, bool> predicate, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (Deliveries.FirstOrDefault(predicate) is { } found) return found;
            await Task.Delay(10);
        }
        throw new TimeoutException($"no matching delivery {what}; received {Deliveries.Count} deliveries in all");
    }

    /// <summary>Waits (bounded) for the <paramref name="count"/>-th verification of <paramref name="path"/>.</summary>
    public async Task<ReceivedVerification> WaitForVerificationAsync(string path, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var received = VerificationsOf(path);
            if (received.Count >= count) return received[count - 1];
            await Task.Delay(10);
        }
        throw new TimeoutException($"{path} received {VerificationsOf(path).Count} verifications, not {count}");
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
