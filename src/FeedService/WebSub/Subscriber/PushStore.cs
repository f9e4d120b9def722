using Dapper;
using FeedService.Storage;

namespace FeedService.WebSub.Subscriber;

public sealed class PushStore(Db db)
{
    private const string Columns = """
        source_id AS SourceId, hub_url AS HubUrl, topic_url AS TopicUrl, callback_token AS CallbackToken, secret AS Secret,
        state AS State, lease_seconds AS LeaseSeconds, expires_at AS ExpiresAt, requested_at AS RequestedAt,
        verified_at AS VerifiedAt, last_push_at AS LastPushAt, last_error AS LastError
        """;

    private const string SelectBySource = $"SELECT {Columns} FROM source_push WHERE source_id = @SourceId";

    public async Task<PushSubscription?> OfSourceAsync(long sourceId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<PushSubscription>(new CommandDefinition(SelectBySource, new { SourceId = sourceId }, cancellationToken: ct));
    }

    private const string SelectByToken = $"SELECT {Columns} FROM source_push WHERE callback_token = @Token";

    public async Task<PushSubscription?> OfTokenAsync(string token, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<PushSubscription>(new CommandDefinition(SelectByToken, new { Token = token }, cancellationToken: ct));
    }

    private const string Upsert = """
        INSERT INTO source_push (source_id, hub_url, topic_url, callback_token, secret, state, requested_at)
        VALUES (@SourceId, @HubUrl, @TopicUrl, @Token, @Secret, @State, @Now)
        ON CONFLICT (source_id) DO UPDATE SET hub_url = excluded.hub_url, topic_url = excluded.topic_url,
            callback_token = excluded.callback_token, secret = excluded.secret, state = excluded.state,
            requested_at = excluded.requested_at, last_error = NULL
        """;

    /// <summary>Records a (re)subscription request; a renewal gets a fresh token and secret, so a stale hub cannot keep pushing.</summary>
    public async Task RequestedAsync(long sourceId, string hubUrl, string topicUrl, string token, string secret, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Upsert, new { SourceId = sourceId, HubUrl = hubUrl, TopicUrl = topicUrl, Token = token, Secret = secret, State = PushState.Requested, Now = now }, cancellationToken: ct));
    }

    private const string RenewalRequested = "UPDATE source_push SET requested_at = @Now WHERE source_id = @SourceId";

    public async Task RenewalRequestedAsync(long sourceId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(RenewalRequested, new { SourceId = sourceId, Now = now }, cancellationToken: ct));
    }

    private const string Verified = """
        UPDATE source_push SET state = 'active', lease_seconds = @LeaseSeconds, expires_at = @ExpiresAt, verified_at = @Now, last_error = NULL
        WHERE callback_token = @Token
        """;

    public async Task VerifiedAsync(string token, long leaseSeconds, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Verified, new { Token = token, LeaseSeconds = leaseSeconds, ExpiresAt = now.AddSeconds(leaseSeconds), Now = now }, cancellationToken: ct));
    }

    private const string SetState = "UPDATE source_push SET state = @State, last_error = @Error WHERE source_id = @SourceId";

    public async Task StateAsync(long sourceId, string state, string? error, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(SetState, new { SourceId = sourceId, State = state, Error = error }, cancellationToken: ct));
    }

    private const string Pushed = "UPDATE source_push SET last_push_at = @Now WHERE source_id = @SourceId";

    public async Task PushedAsync(long sourceId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Pushed, new { SourceId = sourceId, Now = now }, cancellationToken: ct));
    }

    private const string SelectRenewable = $"""
        SELECT {Columns} FROM source_push
        WHERE state = 'active' AND expires_at <= @Horizon AND requested_at <= @AskedBefore
        """;

    /// <summary>
    /// Active subscriptions whose lease ends before <paramref name="horizon"/> and that were not asked to renew since
    /// <paramref name="askedBefore"/>: time to renew.
    /// </summary>
    public async Task<List<PushSubscription>> EndingBeforeAsync(DateTimeOffset horizon, DateTimeOffset askedBefore, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<PushSubscription>(new CommandDefinition(SelectRenewable, new { Horizon = horizon, AskedBefore = askedBefore }, cancellationToken: ct))).AsList();
    }

    private const string ExpireLapsed = """
        UPDATE sources SET next_poll_at = @Now
        WHERE id IN (SELECT source_id FROM source_push WHERE state = 'active' AND expires_at <= @Now);
        UPDATE source_push SET state = 'expired' WHERE state = 'active' AND expires_at <= @Now;
        """;

    /// <summary>Leases that ran out without renewal: the subscription is over and its source goes back to polling at once.</summary>
    public async Task<int> ExpireLapsedAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var expired = await c.ExecuteAsync(new CommandDefinition(ExpireLapsed, new { Now = now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return expired;
    }
}
