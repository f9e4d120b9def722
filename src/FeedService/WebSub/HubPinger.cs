using System.Threading.Channels;
using FeedService.Publishing;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub;

/// <summary>
/// Publisher side of WebSub with external hubs: when a feed's bytes change, each configured hub is told
/// (<c>hub.mode=publish</c>, <c>hub.url=&lt;feed URL&gt;</c>) in the background, with retries and exponential
/// back-off, so neither regeneration nor serving ever waits for a hub.
/// </summary>
public sealed class HubPinger(
    HubLinks hubs,
    IHttpClientFactory clients,
    IOptions<WebSubOptions> options,
    IOptions<SiteOptions> site,
    ILogger<HubPinger> logger) : BackgroundService, IDocumentListener
{
    public const string ClientName = "websub-publish";
    private const int PingsInFlight = 8;
    private readonly Channel<string> _changed = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public void DocumentsChanged(IReadOnlyList<DocumentChange> changes, bool renderedHere)
    {
        // The node that rendered a change pings for it; the others only load it.
        if (hubs.External.Count == 0 || !renderedHere) return;
        foreach (var change in changes)
            if (change.Document is not null) _changed.Writer.TryWrite(site.Value.Url($"feeds/{change.Name}"));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var gate = new SemaphoreSlim(PingsInFlight);
        var running = new List<Task>();
        try
        {
            await foreach (var feedUrl in _changed.Reader.ReadAllAsync(stoppingToken))
            {
                foreach (var hub in hubs.External)
                {
                    await gate.WaitAsync(stoppingToken);
                    running.Add(PingWithRetriesAsync(hub, feedUrl, stoppingToken).ContinueWith(_ => gate.Release(), TaskScheduler.Default));
                }
                running.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: pings not yet made are dropped; hubs also poll, and the next change pings again.
        }
        await Task.WhenAll(running);
    }

    private async Task PingWithRetriesAsync(string hub, string feedUrl, CancellationToken ct)
    {
        var o = options.Value;
        var delay = o.FirstRetryDelay;
        for (var attempt = 1; attempt <= o.MaxDeliveryAttempts; attempt++)
        {
            var error = await PingAsync(hub, feedUrl, ct);
            if (error is null)
            {
                logger.LogInformation("Pinged hub {Hub} for {Topic}", hub, feedUrl);
                return;
            }
            if (attempt == o.MaxDeliveryAttempts)
            {
                logger.LogWarning("Gave up pinging hub {Hub} for {Topic} after {Attempts} attempts: {Error}", hub, feedUrl, attempt, error);
                return;
            }
            logger.LogInformation("Pinging hub {Hub} for {Topic} failed (attempt {Attempt}): {Error}; retrying in {Delay}", hub, feedUrl, attempt, error, delay);
            try
            {
                await Task.Delay(delay, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay *= 2;
        }
    }

    /// <summary>One publish notification; null when the hub accepted it (any 2xx), else the reason.</summary>
    private async Task<string?> PingAsync(string hub, string feedUrl, CancellationToken ct)
    {
        try
        {
            using var body = new FormUrlEncodedContent([new("hub.mode", "publish"), new("hub.url", feedUrl)]);
            using var response = await clients.CreateClient(ClientName).PostAsync(new Uri(hub), body, ct);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return e.Message;
        }
    }
}
