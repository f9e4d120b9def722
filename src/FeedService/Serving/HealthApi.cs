using Dapper;
using FeedService.Publishing;
using FeedService.Storage;

namespace FeedService.Serving;

public static class HealthApi
{
    public sealed record Health(string Status, string Database, RegenerationStatus.Snapshot? LastRegeneration);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", CheckAsync).WithTags("Health").Produces<Health>().Produces<Health>(503);
        return app;
    }

    /// <summary>Healthy when the database answers and the last regeneration succeeded; 503 otherwise, saying which.</summary>
    private static async Task<IResult> CheckAsync(Db db, RegenerationStatus regeneration, HttpContext context, CancellationToken ct)
    {
        string database;
        try
        {
            await using var c = await db.OpenAsync(ct);
            await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM schema_migrations", cancellationToken: ct));
            database = "ok";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            database = $"error: {e.Message}";
        }
        var last = regeneration.Last;
        var healthy = database == "ok" && last?.Error is null;
        context.Response.Headers.CacheControl = "no-store";
        var body = new Health(healthy ? "healthy" : "degraded", database, last);
        return healthy ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: 503);
    }
}
