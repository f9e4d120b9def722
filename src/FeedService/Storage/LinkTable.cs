using System.Data.Common;
using Dapper;

namespace FeedService.Storage;

/// <summary>
/// What every store does with a many-to-many link table, whatever it links: adding one row's links by a list of values,
/// and reading the linked values of many rows at once (one query for a list, not one per row). The store passes its
/// own SQL; this only runs it, so it knows no table.
/// </summary>
public static class LinkTable
{
    /// <summary>Runs <paramref name="sql"/> with @Id and the distinct @Values; nothing when there are no values.</summary>
    public static Task AddAsync(DbConnection c, DbTransaction tx, string sql, long id, IReadOnlyList<string> values, CancellationToken ct) =>
        values.Count == 0 ? Task.CompletedTask
            : c.ExecuteAsync(new CommandDefinition(sql, new { Id = id, Values = values.Distinct().ToArray() }, tx, cancellationToken: ct));

    /// <summary>
    /// Runs <paramref name="sql"/> once with the @Ids of all <paramref name="rows"/> (not at all when there are none); it
    /// selects (id, value) pairs, and each row is given its values, in the order the query returned them.
    /// </summary>
    public static async Task AttachAsync<TRow>(DbConnection c, string sql, IReadOnlyList<TRow> rows, Func<TRow, long> idOf,
        Action<TRow, List<string>> attach, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var pairs = await c.QueryAsync<(long Id, string Value)>(new CommandDefinition(sql, new { Ids = rows.Select(idOf).ToArray() }, cancellationToken: ct));
        var byId = pairs.ToLookup(p => p.Id, p => p.Value);
        foreach (var row in rows) attach(row, [.. byId[idOf(row)]]);
    }
}
