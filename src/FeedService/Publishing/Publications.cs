using System.Data.Common;
using Dapper;

namespace FeedService.Publishing;

/// <summary>
/// The publication counter (site_settings 'publication'): every saved change of documents or archives takes the next
/// number, so a node that compares numbers with the database knows what it has not loaded yet. Taken inside the
/// saving transaction, whose row lock also keeps two nodes' publications from interleaving.
/// </summary>
internal static class Publications
{
    private const string Next = """
        UPDATE site_settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'publication' RETURNING value
        """;

    public static async Task<long> NextAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        var value = await c.ExecuteScalarAsync<string>(new CommandDefinition(Next, transaction: tx, cancellationToken: ct))
            ?? throw new InvalidOperationException("site_settings has no 'publication' row (migration 0009 adds it)");
        return long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
