using System.Data.Common;
using Dapper;
using FeedService.Storage;

namespace FeedService.Aggregation;

public sealed class SourceStore(Db db)
{
    private const string Columns = """
        s.id AS Id, s.url AS Url, s.requested_url AS RequestedUrl, s.title AS Title, s.site_link AS SiteLink, s.format AS Format,
        s.poll_interval_seconds AS PollIntervalSeconds, s.enabled AS Enabled, s.disabled_reason AS DisabledReason,
        s.etag AS ETag, s.last_modified AS LastModified, s.last_fetched_at AS LastFetchedAt, s.last_status AS LastStatus,
        s.last_outcome AS LastOutcome, s.last_error AS LastError, s.items_seen AS ItemsSeen, s.items_added AS ItemsAdded,
        s.items_updated AS ItemsUpdated, s.consecutive_failures AS ConsecutiveFailures, s.next_poll_at AS NextPollAt,
        s.created_at AS CreatedAt, s.updated_at AS UpdatedAt
        """;

    private const string SelectAll = $"SELECT {Columns} FROM sources s ORDER BY s.id";

    public async Task<List<Source>> ListAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var sources = (await c.QueryAsync<Source>(new CommandDefinition(SelectAll, cancellationToken: ct))).AsList();
        await AttachCategoriesAsync(c, sources, ct);
        return sources;
    }

    private const string SelectById = $"SELECT {Columns} FROM sources s WHERE s.id = @Id";

    public async Task<Source?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var source = await c.QuerySingleOrDefaultAsync<Source>(new CommandDefinition(SelectById, new { Id = id }, cancellationToken: ct));
        if (source is not null) await AttachCategoriesAsync(c, [source], ct);
        return source;
    }

    private const string SelectUrls = "SELECT url FROM sources UNION SELECT requested_url FROM sources";

    /// <summary>Every URL a source is known by (polled or originally requested), for duplicate checks.</summary>
    public async Task<HashSet<string>> KnownUrlsAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<string>(new CommandDefinition(SelectUrls, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
    }

    private readonly string _claimDue = $"""
        UPDATE sources SET claimed_by = @Node, claimed_until = @Until
        WHERE id IN (
            SELECT id FROM sources
            WHERE enabled = TRUE AND next_poll_at <= @Now AND (claimed_until IS NULL OR claimed_until < @Now)
            ORDER BY next_poll_at, id
            LIMIT @Limit
            {db.Sql.SkipLocked})
        RETURNING id
        """;

    private readonly string _selectByIds = $"SELECT {Columns} FROM sources s WHERE s.id {db.Sql.In("@Ids")} ORDER BY s.next_poll_at, s.id";

    private const string RenewClaims = "UPDATE sources SET claimed_until = @Until WHERE claimed_by = @Node AND claimed_until IS NOT NULL";

    private const string ReleaseClaim = "UPDATE sources SET claimed_by = NULL, claimed_until = NULL WHERE id = @Id AND claimed_by = @Node";

    /// <summary>
    /// Claims up to <paramref name="limit"/> due sources for <paramref name="node"/> until <paramref name="until"/>:
    /// sources nobody holds, or whose holder let its claim lapse (it died). Recording a poll releases its claim.
    /// </summary>
    public async Task<List<Source>> ClaimDueAsync(string node, DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenUnsyncedAsync(ct);
        var ids = (await c.QueryAsync<long>(new CommandDefinition(_claimDue, new { Node = node, Now = now, Until = until, Limit = limit }, cancellationToken: ct))).AsList();
        if (ids.Count == 0) return [];
        var sources = (await c.QueryAsync<Source>(new CommandDefinition(_selectByIds, new { Ids = ids }, cancellationToken: ct))).AsList();
        await AttachCategoriesAsync(c, sources, ct);
        return sources;
    }

    /// <summary>Extends every claim <paramref name="node"/> holds: it is alive and still working on them.</summary>
    public async Task RenewClaimsAsync(string node, DateTimeOffset until, CancellationToken ct = default)
    {
        await using var c = await db.OpenUnsyncedAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(RenewClaims, new { Node = node, Until = until }, cancellationToken: ct));
    }

    /// <summary>Lets go of a claim whose poll failed before it was recorded, so the next round takes the source again.</summary>
    public async Task ReleaseClaimAsync(long id, string node, CancellationToken ct = default)
    {
        await using var c = await db.OpenUnsyncedAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(ReleaseClaim, new { Id = id, Node = node }, cancellationToken: ct));
    }

    private const string Insert = """
        INSERT INTO sources (url, requested_url, poll_interval_seconds, enabled, next_poll_at, created_at, updated_at)
        VALUES (@Url, @RequestedUrl, @PollIntervalSeconds, TRUE, @NextPollAt, @Now, @Now)
        RETURNING id
        """;

    // Also run by UpdateSettingsAsync, once it has removed the source's links.
    private readonly string _insertLinks = $"""
        INSERT INTO source_categories (source_id, category_id)
        SELECT @Id, id FROM categories WHERE slug {db.Sql.In("@Values")}
        """;

    /// <summary>Stores a new source, first due at <paramref name="nextPollAt"/>; null when a source with that URL exists.</summary>
    public async Task<long?> CreateAsync(string url, string requestedUrl, IReadOnlyList<string> categories, long? pollIntervalSeconds, DateTimeOffset now, DateTimeOffset nextPollAt, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        try
        {
            var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(Insert, new { Url = url, RequestedUrl = requestedUrl, PollIntervalSeconds = pollIntervalSeconds, Now = now, NextPollAt = nextPollAt }, tx, cancellationToken: ct));
            await LinkTable.AddAsync(c, tx, _insertLinks, id, categories, ct);
            await tx.CommitAsync(ct);
            return id;
        }
        catch (Exception e) when (SqlDialect.IsConstraintViolation(e) /* url is unique */)
        {
            return null;
        }
    }

    private const string UpdateSettings = """
        UPDATE sources SET
            url = COALESCE(@NewUrl, url), requested_url = COALESCE(@NewUrl, requested_url),
            etag = CASE WHEN @NewUrl IS NULL THEN etag END, last_modified = CASE WHEN @NewUrl IS NULL THEN last_modified END,
            poll_interval_seconds = @PollIntervalSeconds, enabled = @Enabled,
            disabled_reason = CASE WHEN @Enabled THEN NULL ELSE COALESCE(@DisabledReason, disabled_reason) END,
            consecutive_failures = CASE WHEN @Enabled AND enabled = FALSE THEN 0 ELSE consecutive_failures END,
            next_poll_at = CASE WHEN (@Enabled AND enabled = FALSE) OR @NewUrl IS NOT NULL THEN @Now ELSE next_poll_at END,
            updated_at = @Now
        WHERE id = @Id
        """;

    /// <summary>
    /// Changes what the publisher controls. Re-enabling clears the failure count and makes the source due now; a new URL
    /// drops the old validators and is polled at once. False when the source is gone or the new URL is another source's.
    /// </summary>
    public async Task<bool> UpdateSettingsAsync(long id, string? newUrl, IReadOnlyList<string> categories, long? pollIntervalSeconds, bool enabled, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        int changed;
        try
        {
            changed = await c.ExecuteAsync(new CommandDefinition(UpdateSettings, new
            {
                Id = id, NewUrl = newUrl, PollIntervalSeconds = pollIntervalSeconds, Enabled = enabled,
                DisabledReason = enabled ? null : "disabled by the publisher", Now = now,
            }, tx, cancellationToken: ct));
        }
        catch (Exception e) when (SqlDialect.IsConstraintViolation(e) /* the new URL is another source's */)
        {
            return false;
        }
        if (changed == 0) return false;
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM source_categories WHERE source_id = @Id", new { Id = id }, tx, cancellationToken: ct));
        await LinkTable.AddAsync(c, tx, _insertLinks, id, categories, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition("DELETE FROM sources WHERE id = @Id", new { Id = id }, cancellationToken: ct)) > 0;
    }

    private const string RecordPoll = """
        UPDATE sources SET
            last_fetched_at = @FetchedAt, last_status = @Status, last_outcome = @Outcome, last_error = @Error,
            title = COALESCE(@Title, title), site_link = COALESCE(@SiteLink, site_link), format = COALESCE(@Format, format),
            etag = CASE WHEN @ValidatorsChanged THEN @ETag ELSE etag END,
            last_modified = CASE WHEN @ValidatorsChanged THEN @LastModified ELSE last_modified END,
            items_seen = CASE WHEN @Succeeded THEN @ItemsSeen ELSE items_seen END,
            items_added = CASE WHEN @Succeeded THEN @ItemsAdded ELSE items_added END,
            items_updated = CASE WHEN @Succeeded THEN @ItemsUpdated ELSE items_updated END,
            consecutive_failures = CASE WHEN @Succeeded THEN 0 ELSE consecutive_failures + 1 END,
            enabled = CASE WHEN @DisabledReason IS NULL THEN enabled ELSE FALSE END,
            disabled_reason = COALESCE(@DisabledReason, disabled_reason),
            next_poll_at = @NextPollAt, updated_at = @FetchedAt, claimed_by = NULL, claimed_until = NULL
        WHERE id = @Id
        """;

    private const string MoveUrl = "UPDATE sources SET url = @Url WHERE id = @Id AND NOT EXISTS (SELECT 1 FROM sources WHERE url = @Url AND id <> @Id)";

    /// <summary>Writes a poll's outcome. A permanent redirect moves the URL unless another source already has the new one.</summary>
    public async Task RecordPollAsync(long id, PollRecord poll, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(RecordPoll, new
        {
            Id = id, poll.FetchedAt, poll.Status, poll.Outcome, poll.Error, poll.Title, poll.SiteLink, poll.Format,
            poll.ValidatorsChanged, poll.ETag, poll.LastModified, poll.Succeeded, poll.ItemsSeen, poll.ItemsAdded, poll.ItemsUpdated,
            poll.DisabledReason, poll.NextPollAt,
        }, tx, cancellationToken: ct));
        if (poll.Url is not null) await c.ExecuteAsync(new CommandDefinition(MoveUrl, new { Id = id, poll.Url }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    private readonly string _selectCategories = $"""
        SELECT sc.source_id, c.slug FROM source_categories sc JOIN categories c ON c.id = sc.category_id
        WHERE sc.source_id {db.Sql.In("@Ids")} ORDER BY c.slug
        """;

    private Task AttachCategoriesAsync(DbConnection c, List<Source> sources, CancellationToken ct) =>
        LinkTable.AttachAsync(c, _selectCategories, sources, s => s.Id, (s, slugs) => s.Categories = slugs, ct);
}
