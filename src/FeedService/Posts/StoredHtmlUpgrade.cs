using Dapper;
using FeedService.Content;
using FeedService.Storage;

namespace FeedService.Posts;

/// <summary>
/// Once, at the first start after the upgrade that moved sanitizing to the door: the posts written before it were
/// stored as sent, so their HTML is sanitized now (with URLs made absolute against each post's link or page), as
/// <see cref="PostAuthoring"/> does for every post since. Runs before the service serves anything; migration 0008 sets
/// the mark it clears.
/// </summary>
public sealed class StoredHtmlUpgrade(Db db, HtmlContent html, PostLinks links, ILogger<StoredHtmlUpgrade> logger) : IHostedService
{
    private const string Mark = "posts_html_unsanitized";

    private const string SelectMark = "SELECT COUNT(*) FROM site_settings WHERE key = @Key";

    private const string SelectLocal = "SELECT id AS Id, link AS Link, summary AS Summary, content AS Content FROM posts WHERE source_id IS NULL";

    private const string UpdateHtml = "UPDATE posts SET summary = @Summary, content = @Content WHERE id = @Id";

    private const string DeleteMark = "DELETE FROM site_settings WHERE key = @Key";

    private sealed record Stored(long Id, string? Link, string Summary, string Content);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        await using var c = await db.OpenAsync(ct);
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition(SelectMark, new { Key = Mark }, cancellationToken: ct)) == 0) return;
        await using var tx = await c.BeginTransactionAsync(ct);
        var posts = (await c.QueryAsync<Stored>(new CommandDefinition(SelectLocal, transaction: tx, cancellationToken: ct))).AsList();
        foreach (var post in posts)
        {
            var baseUrl = post.Link ?? links.PermalinkOf(post.Id);
            await c.ExecuteAsync(new CommandDefinition(UpdateHtml,
                new { post.Id, Summary = html.Prepare(post.Summary, baseUrl), Content = html.Prepare(post.Content, baseUrl) }, tx, cancellationToken: ct));
        }
        await c.ExecuteAsync(new CommandDefinition(DeleteMark, new { Key = Mark }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        logger.LogInformation("Sanitized the stored HTML of {Count} posts written before sanitizing moved to the door", posts.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
