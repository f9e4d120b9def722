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

    // The columns of every history row (HubLogEntry), and the one way both histories are read: newest first, of one
    // @Topic or (null) of all, at most @Limit rows.
    private const string EntryColumns = """
        id AS Id, topic AS Topic, callback AS Callback, outcome AS Outcome, status_code AS StatusCode, error AS Error, at AS At
        """;

    private const string NewestFirst = "WHERE (@Topic IS NULL OR topic = @Topic) ORDER BY id DESC LIMIT @Limit";

    private const string SelectDeliveries = $"""
        SELECT {EntryColumns}, attempt AS Attempt, duration_ms AS DurationMs
        FROM websub_hub_deliveries {NewestFirst}
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

    private const string SelectVerifications = $"""
        SELECT {EntryColumns}, mode AS Mode, lease_seconds AS LeaseSeconds
        FROM websub_hub_verifications {NewestFirst}
        """;

    /// <summary>The most recent verifications, newest first.</summary>
    public Task<List<VerificationEntry>> RecentVerificationsAsync(string? topic, int limit, CancellationToken ct = default) =>
        RecentAsync<VerificationEntry>(SelectVerifications, topic, limit, ct);

    /// <summary>Runs either history's read (<see cref="NewestFirst"/>).</summary>
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
