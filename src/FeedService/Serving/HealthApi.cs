using Dapper;
using FeedService.Publishing;
using FeedService.Storage;

namespace FeedService.Serving;

public static class HealthApi
{
    /// <summary>
    /// The feeds/ folder: "ok" when it holds exactly the served documents, "writing" while it catches up, "behind" when
    /// writing it failed (with the error); how many documents wait.
    /// </summary>
    public sealed record FolderHealth(string Status, int Pending, string? Error);

    public sealed record Health(string Status, string Database, RegenerationStatus.Snapshot? LastRegeneration, FolderHealth FeedsFolder);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", CheckAsync).WithTags("Health").Produces<Health>().Produces<Health>(503);
        return app;
    }

    /// <summary>
    /// Healthy when the database answers, the last regeneration succeeded and the feeds/ folder could be written; 503
    /// otherwise, saying which.
    /// </summary>
    private static async Task<IResult> CheckAsync(Db db, RegenerationStatus regeneration, FeedFolder folder, HttpContext context, CancellationToken ct)
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
        var folderError = folder.Error;
        var healthy = database == "ok" && last?.Error is null && folderError is null;
        context.Response.Headers.CacheControl = "no-store";
        var body = new Health(healthy ? "healthy" : "degraded", database, last,
            new FolderHealth(folderError is not null ? "behind" : folder.IsCurrent ? "ok" : "writing", folder.Pending, folderError));
        return healthy ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: 503);
    }
}
