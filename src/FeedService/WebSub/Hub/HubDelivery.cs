using System.Diagnostics;
using FeedService.Publishing;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub.Hub;

/// <summary>
/// Content distribution: when a current feed document changes, its new bytes are POSTed to every verified, unexpired
/// subscriber of its topic. Each change is a run of its own, with at most DeliveryConcurrency requests in flight, all
/// runs together at most MaxConcurrentDeliveries: a feed with a thousand subscribers holds a fixed share of the slots
/// and other feeds' runs proceed beside it. Failed deliveries are retried with exponential back-off; a newer change of
/// the same topic supersedes the older run, so a pending retry never sends a stale document.
/// </summary>
public sealed class HubDelivery : IDocumentListener, IDisposable
{
    /// <summary>Back-off never waits longer than this between two attempts.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    private readonly HubTopics _topics;
    private readonly SubscriptionStore _subscriptions;
    private readonly DeliverySender _sender;
    private readonly DeliveryLog _log;
    private readonly HubWork _work;
    private readonly WebSubOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<HubDelivery> _logger;
    private readonly SemaphoreSlim _global;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, PushRun> _current = new(StringComparer.Ordinal);
    private readonly CancellationTokenRegistration _onStopping;

    public HubDelivery(HubTopics topics, SubscriptionStore subscriptions, DeliverySender sender, DeliveryLog log, HubWork work,
        IOptions<WebSubOptions> options, TimeProvider clock, ILogger<HubDelivery> logger)
    {
        _topics = topics;
        _subscriptions = subscriptions;
        _sender = sender;
        _log = log;
        _work = work;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _global = new SemaphoreSlim(_options.MaxConcurrentDeliveries);
        _onStopping = work.Stopping.Register(CancelAll);
    }

    /// <summary>Returns at once: each changed document's push runs in the background.</summary>
    public void DocumentsChanged(IReadOnlyList<DocumentChange> changes, bool renderedHere)
    {
        // The node that rendered a change delivers it; the others only load it.
        if (!_options.BuiltInHub || !renderedHere) return;
        foreach (var (name, document) in changes)
        {
            if (document is null) continue;
            // Begun here, in the order changes are reported, so a newer change always supersedes an older one.
            var run = Begin(_topics.TopicOf(name));
            if (!_work.Run($"push {name}", _ => PushAsync(document, run))) End(run);
        }
    }

    /// <summary>Whether a change of <paramref name="topic"/> is being pushed (or retried) now.</summary>
    internal bool IsPushing(string topic)
    {
        lock (_lock) return _current.ContainsKey(topic);
    }

    private async Task PushAsync(PublishedDocument published, PushRun run)
    {
        var topic = run.Topic;
        try
        {
            var subscribers = await _subscriptions.ActiveAsync(topic, _clock.GetUtcNow(), run.Token);
            if (subscribers.Count == 0) return;
            // The bytes the regenerator published, handed over in memory: when the document changed again meanwhile, this run
            // has been superseded anyway.
            var body = published.Body;
            var document = new HubDocument(topic, body, published.ContentType, $"<{_topics.HubUrl}>; rel=\"hub\", <{topic}>; rel=\"self\"");

            var started = Stopwatch.GetTimestamp();
            using var perChange = new SemaphoreSlim(_options.DeliveryConcurrency);
            var outcomes = await Task.WhenAll(subscribers.Select(s => DeliverAsync(document, s, run, perChange)));
            _logger.LogInformation("Pushed {Topic} ({Bytes} bytes) to {Delivered} of {Subscribers} subscribers in {ElapsedMs:F0} ms{Superseded}",
                topic, body.Length, outcomes.Count(o => o == DeliveryOutcomes.Delivered), subscribers.Count,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, run.Superseded ? " (superseded by a newer document)" : "");
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
        {
            // Superseded before it began, or the service is stopping.
        }
#pragma warning disable CA1031 // a push runs in the background: whatever fails is logged and the hub goes on
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogError(e, "Pushing {Topic} failed", topic);
        }
        finally
        {
            End(run);
        }
    }

    /// <summary>Delivers to one subscriber, retrying with back-off; returns the last outcome, or null when superseded or stopped.</summary>
    private async Task<string?> DeliverAsync(HubDocument document, ActiveSubscriber subscriber, PushRun run, SemaphoreSlim perChange)
    {
        var attempts = _options.MaxDeliveryAttempts;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            DeliveryResult result;
            try
            {
                if (attempt > 1) await Task.Delay(RetryDelay(attempt), _clock, run.Token);
                // No slot is held while waiting to retry; the feed's own limit first, so one feed never holds more of the global ones.
                await perChange.WaitAsync(run.Token);
                try
                {
                    await _global.WaitAsync(run.Token);
                    try
                    {
                        // A request in flight finishes even when superseded: only the service stopping cancels it.
                        result = await _sender.SendAsync(document, subscriber, _work.Stopping);
                    }
                    finally
                    {
                        _global.Release();
                    }
                }
                finally
                {
                    perChange.Release();
                }
            }
            catch (OperationCanceledException) when (run.Token.IsCancellationRequested || _work.Stopping.IsCancellationRequested)
            {
                // The newer run delivers to this subscriber too. Only a retry that was due is worth a line in the history.
                if (run.Superseded && attempt > 1)
                    Record(document, subscriber, attempt, new DeliveryResult(null, "a newer document of the topic is delivered instead", 0), DeliveryOutcomes.Superseded);
                return null;
            }

            var outcome = result.Delivered ? DeliveryOutcomes.Delivered
                : result.StatusCode == 410 ? DeliveryOutcomes.Gone
                : attempt == attempts ? DeliveryOutcomes.GaveUp
                : DeliveryOutcomes.Failed;
            Record(document, subscriber, attempt, result, outcome);
            switch (outcome)
            {
                case DeliveryOutcomes.Delivered:
                    return outcome;
                case DeliveryOutcomes.Gone:
                    await RemoveGoneAsync(document.Topic, subscriber.Callback);
                    return outcome;
                case DeliveryOutcomes.GaveUp:
                    _logger.LogWarning("Gave up delivering {Topic} to {Callback} after {Attempts} attempts: {Error}",
                        document.Topic, subscriber.Callback, attempts, result.Error);
                    return outcome;
                default:
                    _logger.LogInformation("Delivery of {Topic} to {Callback} failed (attempt {Attempt} of {Attempts}), retrying in {Delay}: {Error}",
                        document.Topic, subscriber.Callback, attempt, attempts, RetryDelay(attempt + 1), result.Error);
                    break;
            }
        }
        return DeliveryOutcomes.GaveUp;
    }

    /// <summary>WebSub §7: a subscriber that answers 410 Gone no longer wants the topic.</summary>
    private async Task RemoveGoneAsync(string topic, string callback)
    {
        try
        {
            await _subscriptions.RemoveAsync(topic, callback, _work.Stopping);
            _logger.LogInformation("Removed the subscription of {Callback} to {Topic}: the callback answered 410 Gone", callback, topic);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "Could not remove the subscription of {Callback} to {Topic}", callback, topic);
        }
    }

    /// <summary>FirstRetryDelay before the second attempt, doubled for each further one, at most <see cref="MaxRetryDelay"/>.</summary>
    private TimeSpan RetryDelay(int attempt)
    {
        var first = Math.Max(0, _options.FirstRetryDelay.Ticks);
        var ticks = Math.Min(first * Math.Pow(2, attempt - 2), MaxRetryDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private void Record(HubDocument document, ActiveSubscriber subscriber, int attempt, DeliveryResult result, string outcome) =>
        _log.Add(new DeliveryEntry
        {
            Topic = document.Topic,
            Callback = subscriber.Callback,
            Attempt = attempt,
            StatusCode = result.StatusCode,
            Outcome = outcome,
            Error = result.Error,
            DurationMs = Math.Round(result.DurationMs, 1),
            At = _clock.GetUtcNow(),
        });

    private PushRun Begin(string topic)
    {
        var run = new PushRun(topic);
        lock (_lock)
        {
            if (_current.TryGetValue(topic, out var older)) older.Cancel(superseded: true);
            _current[topic] = run;
            if (_work.Stopping.IsCancellationRequested) run.Cancel(superseded: false);
        }
        return run;
    }

    private void End(PushRun run)
    {
        bool disposable;
        lock (_lock)
        {
            if (_current.TryGetValue(run.Topic, out var current) && current == run) _current.Remove(run.Topic);
            // Runs are cancelled only while current, under this lock: one that never was cannot be any more.
            disposable = !run.Token.IsCancellationRequested;
        }
        if (disposable) run.Dispose();
    }

    private void CancelAll()
    {
        lock (_lock)
            foreach (var run in _current.Values) run.Cancel(superseded: false);
    }

    public void Dispose()
    {
        _onStopping.Dispose();
        _global.Dispose();
    }

    /// <summary>One change of one topic being pushed. Cancelled when a newer change supersedes it or the service stops.</summary>
    private sealed class PushRun : IDisposable
    {
        private readonly CancellationTokenSource _cancel = new();
        private volatile bool _superseded;

        public PushRun(string topic)
        {
            Topic = topic;
            // Taken once: the source may be disposed while a finished run is still referenced.
            Token = _cancel.Token;
        }

        public string Topic { get; }
        public CancellationToken Token { get; }
        public bool Superseded => _superseded;

        public void Cancel(bool superseded)
        {
            if (superseded) _superseded = true;
            // Asynchronously: the waits this wakes must not run on the caller's thread (a regeneration, under a lock).
            _ = _cancel.CancelAsync();
        }

        public void Dispose() => _cancel.Dispose();
    }
}
