using System.Collections.Concurrent;

namespace FeedService.WebSub.Hub;

/// <summary>
/// The hub's background work: verifications and deliveries run off the request and regeneration paths, as tracked
/// tasks that are cancelled when the service stops and waited for (as long as the host's shutdown allows).
/// </summary>
public sealed class HubWork : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly ILogger<HubWork> _logger;
    private int _disposed;

    public HubWork(ILogger<HubWork> logger)
    {
        _logger = logger;
        // Taken once: the host may stop the service after the container disposed it (WebApplicationFactory stops twice).
        Stopping = _stopping.Token;
    }

    /// <summary>Cancelled when the service stops.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Tasks not yet finished.</summary>
    public int Running => _running.Count;

    /// <summary>Starts <paramref name="work"/> on the thread pool; false (nothing started) once the service is stopping.</summary>
    public bool Run(string what, Func<CancellationToken, Task> work)
    {
        if (Stopping.IsCancellationRequested) return false;
        Track(what, Task.Run(() => work(Stopping)));
        return true;
    }

    /// <summary>Keeps <paramref name="task"/> for the shutdown, and logs it if it fails (work is expected to handle its own errors).</summary>
    public void Track(string what, Task task)
    {
        _running.TryAdd(task, 0);
        // Also runs when the task has already finished, so nothing stays in the set.
        task.ContinueWith(t =>
        {
            _running.TryRemove(t, out _);
            if (t.IsFaulted) _logger.LogError(t.Exception, "WebSub hub background work failed: {Work}", what);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 1) return;
        try
        {
            await _stopping.CancelAsync();
            await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken);
        }
#pragma warning disable CA1031 // stopping waits for the work, whatever it ended with
        catch (Exception)
#pragma warning restore CA1031
        {
            // Cancelled work ends with OperationCanceledException; failures were logged above; a host in a hurry stops
            // waiting; a source disposed meanwhile has cancelled everything already.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
