using Dapper;
using FeedService.Storage;

namespace FeedService.Publishing;

/// <summary>Site-wide values fixed once chosen: the id and birth date of the "all" feed.</summary>
public sealed class SiteStore(Db db, TimeProvider clock)
{
    private const string InsertIfMissing = "INSERT INTO site_settings (key, value) VALUES (@Key, @Value) ON CONFLICT DO NOTHING";
    private const string SelectValue = "SELECT value FROM site_settings WHERE key = @Key";

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
}
