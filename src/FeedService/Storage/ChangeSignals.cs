using Dapper;
using Npgsql;

namespace FeedService.Storage;

/// <summary>
/// "Something in the database changed" between the nodes that share it. On PostgreSQL a signal is a NOTIFY on its channel,
/// heard by every node (the sender too) through one LISTEN connection, which reconnects on its own and, after a
/// reconnect, runs every handler once, since signals sent meanwhile were lost. On SQLite there is one node: handlers run
/// at once. A signal carries no data and may arrive more than once: handlers look in the database for what changed.
/// </summary>
public sealed class ChangeSignals(Db db, ILogger<ChangeSignals> logger) : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, List<Func<CancellationToken, Task>>> _handlers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Whether signals reach other nodes (PostgreSQL); on SQLite there are none to reach.</summary>
    public bool Shared => db.Provider == StorageProvider.Postgres;

    /// <summary>Runs <paramref name="handler"/> whenever <paramref name="channel"/> is signalled. Subscribe before the host starts.</summary>
    public void Subscribe(string channel, Func<CancellationToken, Task> handler)
    {
        lock (_lock)
        {
            if (!_handlers.TryGetValue(channel, out var list)) _handlers[channel] = list = [];
            list.Add(handler);
        }
    }

    public async Task SignalAsync(string channel, CancellationToken ct = default)
    {
        if (db.Provider == StorageProvider.Postgres)
        {
            await using var c = await db.OpenAsync(ct);
            await c.ExecuteAsync(new CommandDefinition("SELECT pg_notify(@Channel, '')", new { Channel = channel }, cancellationToken: ct));
            return;
        }
        await RunAsync(channel, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (db.Provider != StorageProvider.Postgres) return;
        string[] channels;
        lock (_lock) channels = [.. _handlers.Keys];
        if (channels.Length == 0) return;
        var reconnected = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var c = (NpgsqlConnection)await db.OpenAsync(stoppingToken);
                var heard = System.Threading.Channels.Channel.CreateUnbounded<string>();
                c.Notification += (_, e) => heard.Writer.TryWrite(e.Channel);
                foreach (var channel in channels)
                    await c.ExecuteAsync($"LISTEN \"{channel}\"");
                if (reconnected)
                {
                    logger.LogInformation("Listening for changes again; checking everything that may have changed meanwhile");
                    foreach (var channel in channels) await RunAsync(channel, stoppingToken);
                }
                reconnected = true;
                var handling = HandleAsync(heard.Reader, stoppingToken);
                try
                {
                    while (true) await c.WaitAsync(stoppingToken);
                }
                finally
                {
                    heard.Writer.TryComplete();
                    await handling;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Lost the database's change signals; reconnecting in {Delay}", ReconnectDelay);
                await Task.Delay(ReconnectDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    // Handlers run one after another, off the connection's thread, so a slow handler never stalls the LISTEN connection.
    private async Task HandleAsync(System.Threading.Channels.ChannelReader<string> heard, CancellationToken ct)
    {
        await foreach (var channel in heard.ReadAllAsync(CancellationToken.None))
        {
            // Signals that queued up meanwhile say nothing more than the first.
            var due = new HashSet<string>(StringComparer.Ordinal) { channel };
            while (heard.TryRead(out var more)) due.Add(more);
            foreach (var name in due) await RunAsync(name, ct);
        }
    }

    private async Task RunAsync(string channel, CancellationToken ct)
    {
        Func<CancellationToken, Task>[] handlers;
        lock (_lock) handlers = _handlers.TryGetValue(channel, out var list) ? [.. list] : [];
        foreach (var handler in handlers)
        {
            try
            {
                await handler(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogError(e, "Handling the {Channel} signal failed", channel);
            }
        }
    }
}
