using Dapper;
using FeedService.Storage;

namespace FeedService.Publishing;

/// <summary>
/// Site-wide values: the id and birth date of the "all" feed (fixed once chosen), and when a regeneration run (on any
/// node) last finished, which the next run counts scheduled posts from.
/// </summary>
public sealed class SiteStore(Db db, TimeProvider clock)
{
    private const string InsertIfMissing = "INSERT INTO site_settings (key, value) VALUES (@Key, @Value) ON CONFLICT DO NOTHING";
    private const string SelectValue = "SELECT value FROM site_settings WHERE key = @Key";
    private const string Upsert = "INSERT INTO site_settings (key, value) VALUES (@Key, @Value) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    private const string RegeneratedKey = "regenerated_at";

    public async Task<(string FeedId, DateTimeOffset CreatedAt)> AllFeedAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(InsertIfMissing, new[]
        {
            new { Key = "all_feed_id", Value = $"urn:uuid:{Guid.NewGuid()}" },
            new { Key = "created_at", Value = UtcTimeHandler.ToText(clock.GetUtcNow()) },
        }, cancellationToken: ct));
        var id = await c.ExecuteScalarAsync<string>(new CommandDefinition(SelectValue, new { Key = "all_feed_id" }, cancellationToken: ct));
        var created = await c.ExecuteScalarAsync<string>(new CommandDefinition(SelectValue, new { Key = "created_at" }, cancellationToken: ct));
        return (id!, UtcTimeHandler.FromText(created!));
    }

    /// <summary>The "now" of the last run that finished, on any node; null before the first.</summary>
    public async Task<DateTimeOffset?> RegeneratedAtAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var text = await c.ExecuteScalarAsync<string>(new CommandDefinition(SelectValue, new { Key = RegeneratedKey }, cancellationToken: ct));
        return text is null ? null : UtcTimeHandler.FromText(text);
    }

    public async Task SetRegeneratedAtAsync(DateTimeOffset at, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Upsert, new { Key = RegeneratedKey, Value = UtcTimeHandler.ToText(at) }, cancellationToken: ct));
    }
}
