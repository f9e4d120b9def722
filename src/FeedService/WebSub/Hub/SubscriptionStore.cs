using Dapper;
using FeedService.Storage;

namespace FeedService.WebSub.Hub;

/// <summary>The hub's subscriptions (table websub_hub_subscriptions).</summary>
public sealed class SubscriptionStore(Db db)
{
    private const string Columns = """
        id AS Id, topic AS Topic, callback AS Callback, secret AS Secret, lease_seconds AS LeaseSeconds, state AS State,
        expires_at AS ExpiresAt, verified_at AS VerifiedAt, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    private const string SelectAll = $"""
        SELECT {Columns} FROM websub_hub_subscriptions
        WHERE (@Topic IS NULL OR topic = @Topic)
        ORDER BY topic, callback
        """;

    public async Task<List<HubSubscription>> ListAsync(string? topic, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<HubSubscription>(new CommandDefinition(SelectAll, new { Topic = topic }, cancellationToken: ct))).AsList();
    }

    private const string SelectOne = $"SELECT {Columns} FROM websub_hub_subscriptions WHERE topic = @Topic AND callback = @Callback";

    public async Task<HubSubscription?> GetAsync(string topic, string callback, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<HubSubscription>(new CommandDefinition(SelectOne, new { Topic = topic, Callback = callback }, cancellationToken: ct));
    }

    private const string SelectActive = """
        SELECT callback AS Callback, secret AS Secret FROM websub_hub_subscriptions
        WHERE topic = @Topic AND state = 'active' AND expires_at > @Now
        ORDER BY id
        """;

    /// <summary>The verified, unexpired subscribers of a topic: who gets its next document.</summary>
    public async Task<List<ActiveSubscriber>> ActiveAsync(string topic, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<ActiveSubscriber>(new CommandDefinition(SelectActive, new { Topic = topic, Now = now }, cancellationToken: ct))).AsList();
    }

    private const string InsertPending = """
        INSERT INTO websub_hub_subscriptions (topic, callback, secret, lease_seconds, state, expires_at, verified_at, created_at, updated_at)
        VALUES (@Topic, @Callback, NULL, @LeaseSeconds, 'pending', NULL, NULL, @Now, @Now)
        ON CONFLICT (topic, callback) DO NOTHING
        """;

    /// <summary>Records a first request while its verification runs; an existing subscription is left as it is until its renewal is verified.</summary>
    public async Task AddPendingAsync(string topic, string callback, int leaseSeconds, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(InsertPending, new { Topic = topic, Callback = callback, LeaseSeconds = leaseSeconds, Now = now }, cancellationToken: ct));
    }

    private const string UpsertActive = """
        INSERT INTO websub_hub_subscriptions (topic, callback, secret, lease_seconds, state, expires_at, verified_at, created_at, updated_at)
        VALUES (@Topic, @Callback, @Secret, @LeaseSeconds, 'active', @ExpiresAt, @Now, @Now, @Now)
        ON CONFLICT (topic, callback) DO UPDATE SET
            secret = excluded.secret, lease_seconds = excluded.lease_seconds, state = 'active',
            expires_at = excluded.expires_at, verified_at = excluded.verified_at, updated_at = excluded.updated_at
        """;

    /// <summary>A verified subscribe: activates the subscription, or renews it with the new lease and secret.</summary>
    public async Task ActivateAsync(string topic, string callback, string? secret, int leaseSeconds, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(UpsertActive, new
        {
            Topic = topic, Callback = callback, Secret = secret, LeaseSeconds = leaseSeconds, ExpiresAt = now.AddSeconds(leaseSeconds), Now = now,
        }, cancellationToken: ct));
    }

    private const string DeletePending = "DELETE FROM websub_hub_subscriptions WHERE topic = @Topic AND callback = @Callback AND state = 'pending'";

    /// <summary>A first request that was not verified leaves nothing behind.</summary>
    public async Task RemovePendingAsync(string topic, string callback, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(DeletePending, new { Topic = topic, Callback = callback }, cancellationToken: ct));
    }

    private const string Delete = "DELETE FROM websub_hub_subscriptions WHERE topic = @Topic AND callback = @Callback";

    /// <summary>A verified unsubscribe, or a subscriber that answered 410 Gone.</summary>
    public async Task<bool> RemoveAsync(string topic, string callback, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Delete, new { Topic = topic, Callback = callback }, cancellationToken: ct)) > 0;
    }

    private const string DeleteExpired = """
        DELETE FROM websub_hub_subscriptions
        WHERE (state = 'active' AND expires_at <= @Now) OR (state = 'pending' AND created_at <= @StalePendingBefore)
        """;

    /// <summary>
    /// Removes expired leases, and pending requests whose verification never ended (the process stopped while it ran):
    /// the subscriber asks again, as it has to when it gets no verification.
    /// </summary>
    public async Task<int> RemoveExpiredAsync(DateTimeOffset now, DateTimeOffset stalePendingBefore, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(DeleteExpired, new { Now = now, StalePendingBefore = stalePendingBefore }, cancellationToken: ct));
    }
}
