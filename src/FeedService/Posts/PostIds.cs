using Dapper;
using FeedService.Storage;

namespace FeedService.Posts;

/// <summary>
/// Hands out post ids that are never reused. Ids come from blocks of <see cref="BlockSize"/> reserved in id_blocks by a
/// commit that is synced to disk before any id of the block is given out: a post deleted, or lost in a power cut, keeps
/// its id to itself. A restart skips what is left of the last block (ids grow, with gaps, like a database sequence).
/// Ids are taken before the writer's transaction begins: a reservation is a write of its own, and SQLite has one writer.
/// </summary>
public sealed class PostIds(Db db) : IDisposable
{
    public const int BlockSize = 32;

    // Rows written by other means (an import, a tool writing the file directly) are never overtaken either.
    private readonly string _reserve = $"""
        UPDATE id_blocks SET reserved_through = {db.Sql.Greatest}(reserved_through, (SELECT COALESCE(MAX(id), 0) FROM posts)) + @Size
        WHERE name = 'posts'
        RETURNING reserved_through
        """;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _next = 1;
    private long _last;

    public async Task<long> NextAsync(CancellationToken ct = default) => (await TakeAsync(1, ct))[0];

    /// <summary>The next <paramref name="count"/> ids, in increasing order.</summary>
    public async Task<long[]> TakeAsync(int count, CancellationToken ct = default)
    {
        var taken = new long[count];
        if (count == 0) return taken;
        await _gate.WaitAsync(ct);
        try
        {
            if (_last - _next + 1 < count)
            {
                // What is left of the current block is skipped: one reservation covers the whole request.
                var size = Math.Max(BlockSize, count);
                await using var c = await db.OpenSyncedAsync(ct);
                _last = await c.ExecuteScalarAsync<long>(new CommandDefinition(_reserve, new { Size = size }, cancellationToken: ct));
                _next = _last - size + 1;
            }
            for (var i = 0; i < count; i++) taken[i] = _next++;
            return taken;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
