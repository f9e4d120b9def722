using Dapper;
using FeedService.Aggregation.Fetching;
using FeedService.Cluster;
using FeedService.Storage;

namespace FeedService.Aggregation;

/// <summary>
/// Host turns shared through the database (host_turns), for workers on one PostgreSQL database: a node takes a host's
/// row when nobody holds it or its holder's lease ran out (a dead node), waits a little and retries when it is taken,
/// and deletes its row when its request is done. The lease is short and renewed while the request runs, so a dead
/// node's turns free their hosts within seconds.
/// </summary>
public sealed class DatabaseHostTurns(Db db, Node node, TimeProvider clock) : IHostTurns
{
    private static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestWait = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    private const string Take = """
        INSERT INTO host_turns (host, holder, until) VALUES (@Host, @Holder, @Until)
        ON CONFLICT (host) DO UPDATE SET holder = excluded.holder, until = excluded.until WHERE host_turns.until < @Now
        RETURNING host
        """;

    private const string Give = "DELETE FROM host_turns WHERE host = @Host AND holder = @Holder";

    public async ValueTask<IAsyncDisposable> EnterAsync(string host, CancellationToken ct)
    {
        var holder = $"{node.Name}/{Guid.NewGuid():N}";
        var wait = FirstWait;
        while (true)
        {
            var now = clock.GetUtcNow();
            await using (var c = await db.OpenAsync(ct))
            {
                var taken = await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition(Take,
                    new { Host = host, Holder = holder, Until = now + Lease, Now = now }, cancellationToken: ct));
                if (taken is not null) return new Turn(db, host, holder, clock);
            }
            // Real time, not the clock: this is how often to ask again, not a time anything is scheduled for.
            await Task.Delay(wait, ct);
            wait = wait * 2 < LongestWait ? wait * 2 : LongestWait;
        }
    }

    private const string Renew = "UPDATE host_turns SET until = @Until WHERE host = @Host AND holder = @Holder";

    private sealed class Turn : IAsyncDisposable
    {
        private readonly Db _db;
        private readonly string _host;
        private readonly string _holder;
        private readonly CancellationTokenSource _held = new();
        private readonly Task _renewing;

        public Turn(Db db, string host, string holder, TimeProvider clock)
        {
            _db = db;
            _host = host;
            _holder = holder;
            _renewing = RenewAsync(clock, _held.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _held.CancelAsync();
            await _renewing;
            _held.Dispose();
            // Given back even when the fetch was cancelled; a turn that cannot be given back lapses with its lease.
            await using var c = await _db.OpenAsync(CancellationToken.None);
            await c.ExecuteAsync(new CommandDefinition(Give, new { Host = _host, Holder = _holder }));
        }

        private async Task RenewAsync(TimeProvider clock, CancellationToken ct)
        {
            try
            {
                using var timer = new PeriodicTimer(Lease / 3, clock);
                while (await timer.WaitForNextTickAsync(ct))
                {
                    await using var c = await _db.OpenAsync(ct);
                    await c.ExecuteAsync(new CommandDefinition(Renew, new { Host = _host, Holder = _holder, Until = clock.GetUtcNow() + Lease }, cancellationToken: ct));
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (System.Data.Common.DbException)
            {
                // The turn lapses with its lease; the request goes on.
            }
        }
    }
}
