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
    /// Runs <paramref name="sql"/> once with all the @Ids (not at all when there are none); it selects (id, value) pairs,
    /// returned by id, each id's values in the order the query gave them.
    /// </summary>
    public static async Task<ILookup<long, string>> ValuesOfAsync(DbConnection c, string sql, long[] ids, CancellationToken ct)
    {
        var rows = ids.Length == 0 ? []
            : await c.QueryAsync<(long Id, string Value)>(new CommandDefinition(sql, new { Ids = ids }, cancellationToken: ct));
        return rows.ToLookup(r => r.Id, r => r.Value);
    }
}
