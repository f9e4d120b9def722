using Dapper;
using FeedService.Storage;

namespace FeedService.WebSub.Hub;

/// <summary>The hub's bounded history: delivery attempts (websub_hub_deliveries) and verifications (websub_hub_verifications).</summary>
public sealed class HubLogStore(Db db)
{
    private const string InsertDelivery = """
        INSERT INTO websub_hub_deliveries (topic, callback, attempt, status_code, outcome, error, duration_ms, at)
        VALUES (@Topic, @Callback, @Attempt, @StatusCode, @Outcome, @Error, @DurationMs, @At)
        """;

    /// <summary>Writes a batch in one transaction: a fan-out to a thousand subscribers is a few commits, not a thousand.</summary>
    public async Task AddDeliveriesAsync(IReadOnlyList<DeliveryEntry> entries, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(InsertDelivery, entries, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    private const string SelectDeliveries = """
        SELECT id AS Id, topic AS Topic, callback AS Callback, attempt AS Attempt, status_code AS StatusCode, outcome AS Outcome,
               error AS Error, duration_ms AS DurationMs, at AS At
        FROM websub_hub_deliveries
        WHERE (@Topic IS NULL OR topic = @Topic)
        ORDER BY id DESC
        LIMIT @Limit
        """;

    /// <summary>The most recent delivery attempts, newest first.</summary>
    public Task<List<DeliveryEntry>> RecentDeliveriesAsync(string? topic, int limit, CancellationToken ct = default) =>
        RecentAsync<DeliveryEntry>(SelectDeliveries, topic, limit, ct);

    private const string InsertVerification = """
        INSERT INTO websub_hub_verifications (mode, topic, callback, lease_seconds, outcome, status_code, error, at)
        VALUES (@Mode, @Topic, @Callback, @LeaseSeconds, @Outcome, @StatusCode, @Error, @At)
        """;

    public async Task AddVerificationAsync(VerificationEntry entry, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(InsertVerification, entry, cancellationToken: ct));
    }

    private const string SelectVerifications = """
        SELECT id AS Id, mode AS Mode, topic AS Topic, callback AS Callback, lease_seconds AS LeaseSeconds, outcome AS Outcome,
               status_code AS StatusCode, error AS Error, at AS At
        FROM websub_hub_verifications
        WHERE (@Topic IS NULL OR topic = @Topic)
        ORDER BY id DESC
        LIMIT @Limit
        """;

    /// <summary>The most recent verifications, newest first.</summary>
    public Task<List<VerificationEntry>> RecentVerificationsAsync(string? topic, int limit, CancellationToken ct = default) =>
        RecentAsync<VerificationEntry>(SelectVerifications, topic, limit, ct);

    /// <summary>Both histories are read the same way: <paramref name="sql"/> takes @Topic (null for all) and @Limit.</summary>
    private async Task<List<T>> RecentAsync<T>(string sql, string? topic, int limit, CancellationToken ct) where T : HubLogEntry
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<T>(new CommandDefinition(sql, new { Topic = topic, Limit = limit }, cancellationToken: ct))).AsList();
    }

    // Both histories keep what is newer than @Before, and at most @Keep rows: the row @Keep places below the newest and
    // everything older goes (when there are fewer rows the subquery is empty, and "id <= NULL" removes nothing).
    private const string PruneDeliveries = """
        DELETE FROM websub_hub_deliveries
        WHERE at < @Before
           OR id <= (SELECT id FROM websub_hub_deliveries ORDER BY id DESC LIMIT 1 OFFSET @Keep)
        """;

    private const string PruneVerifications = """
        DELETE FROM websub_hub_verifications
        WHERE at < @Before
           OR id <= (SELECT id FROM websub_hub_verifications ORDER BY id DESC LIMIT 1 OFFSET @Keep)
        """;

    /// <summary>Trims both histories to rows newer than <paramref name="before"/>, at most <paramref name="keep"/> of each.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, int keep, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var args = new { Before = before, Keep = keep };
        return await c.ExecuteAsync(new CommandDefinition(PruneDeliveries, args, cancellationToken: ct))
            + await c.ExecuteAsync(new CommandDefinition(PruneVerifications, args, cancellationToken: ct));
    }
}
