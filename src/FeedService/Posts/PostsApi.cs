using System.Globalization;
using FeedService.Api;
using FeedService.Categories;

namespace FeedService.Posts;

public static class PostsApi
{
    /// <summary>The JSON a writer sends. Everything is nullable so each missing or bad field can be named in the 400.</summary>
    public sealed record PostBody(string? Title, string? Summary, string? Content, string? Author, List<string>? Categories,
        string? PublishedAt, string? Link, string? Status);

#pragma warning disable CA1720 // "guid" is the RSS element and the API field name
    public sealed record PostOutput(long Id, string Guid, string Title, string Summary, string Content, string? Author,
        IReadOnlyList<string> Categories, string Status, DateTimeOffset PublishedAt, DateTimeOffset UpdatedAt, DateTimeOffset CreatedAt,
        string Link, string Url);
#pragma warning restore CA1720

    public sealed record PostPage(IReadOnlyList<PostOutput> Items, int Page, int PageSize, long Total);

    public static RouteGroupBuilder MapPostsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/posts").WithTags("Posts");
        group.MapGet("/", ListAsync).Produces<PostPage>().ProducesValidationProblem();
        group.MapGet("/{id:long}", GetAsync).Produces<PostOutput>().ProducesProblem(404);
        group.MapPost("/", CreateAsync).RequireApiKey().Accepts<PostBody>("application/json")
            .Produces<PostOutput>(201).ProducesValidationProblem().ProducesProblem(401);
        group.MapPut("/{id:long}", UpdateAsync).RequireApiKey().Accepts<PostBody>("application/json")
            .Produces<PostOutput>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404);
        group.MapDelete("/{id:long}", DeleteAsync).RequireApiKey().Produces(204).ProducesProblem(401).ProducesProblem(404);
        return group;
    }

    /// <summary>Drafts and scheduled posts are shown only to a caller with a valid key.</summary>
    private static async Task<IResult> ListAsync(HttpRequest request, PostStore store, ApiKeys keys, PostLinks links,
        string? category, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (category is not null && !Slugs.IsValid(category)) errors["category"] = ["Not a category slug."];
        if (page is < 1) errors["page"] = ["Pages start at 1."];
        if (pageSize is < 1 or > 100) errors["pageSize"] = ["Between 1 and 100."];
        if (errors.Count > 0) return Problems.Invalid(errors);
        var (p, size) = (page ?? 1, pageSize ?? 20);
        var (items, total) = await store.ListAsync(category, p, size, keys.IsAuthorized(request), ct);
        return TypedResults.Ok(new PostPage(items.Select(i => Output(i, links)).ToList(), p, size, total));
    }

    private static async Task<IResult> GetAsync(long id, HttpRequest request, PostStore store, ApiKeys keys, PostLinks links, TimeProvider clock, CancellationToken ct)
    {
        var post = await store.GetAsync(id, ct);
        if (post is null || (!post.IsVisibleAt(clock.GetUtcNow()) && !keys.IsAuthorized(request)))
            return Problems.NotFound($"There is no post {id}.");
        return TypedResults.Ok(Output(post, links));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, PostAuthoring authoring, CategoryStore categories,
        PostLinks links, TimeProvider clock, CancellationToken ct)
    {
        var (input, error) = await ReadAsync(request, categories, clock, ct);
        if (error is not null) return error;
        var post = await authoring.CreateAsync(input!, ct);
        return TypedResults.Created($"/api/posts/{post.Id}", Output(post, links));
    }

    private static async Task<IResult> UpdateAsync(long id, HttpRequest request, PostStore store, PostAuthoring authoring, CategoryStore categories,
        PostLinks links, TimeProvider clock, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is null) return Problems.NotFound($"There is no post {id}.");
        var (input, error) = await ReadAsync(request, categories, clock, ct);
        if (error is not null) return error;
        return await authoring.UpdateAsync(id, input!, ct) is { } updated
            ? TypedResults.Ok(Output(updated, links))
            : Problems.NotFound($"There is no post {id}.");
    }

    private static async Task<IResult> DeleteAsync(long id, PostAuthoring authoring, CancellationToken ct) =>
        await authoring.DeleteAsync(id, ct) ? TypedResults.NoContent() : Problems.NotFound($"There is no post {id}.");

    private static async Task<(PostInput? Input, IResult? Error)> ReadAsync(HttpRequest request, CategoryStore categories, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync<PostBody>(request, ct);
        if (error is not null) return (null, error);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body!.Title) || body.Title.Length > 500) errors["title"] = ["Required: 1-500 characters."];
        if (string.IsNullOrWhiteSpace(body.Content)) errors["content"] = ["Required: the post's full HTML."];
        else if (body.Content.Length > 1_000_000) errors["content"] = ["At most 1,000,000 characters."];
        if (body.Summary is { Length: > 20_000 }) errors["summary"] = ["At most 20,000 characters."];
        if (body.Author is { Length: > 200 }) errors["author"] = ["At most 200 characters."];

        var status = body.Status ?? PostStatus.Published;
        if (status is not (PostStatus.Published or PostStatus.Draft)) errors["status"] = ["Either \"published\" or \"draft\"."];

        var publishedAt = clock.GetUtcNow();
        if (body.PublishedAt is not null && !TryParseTime(body.PublishedAt, out publishedAt))
            errors["publishedAt"] = ["An ISO 8601 date and time, e.g. \"2026-11-26T10:00:00Z\"."];

        if (body.Link is not null && !(Uri.TryCreate(body.Link, UriKind.Absolute, out var link) && link.Scheme is "http" or "https"))
            errors["link"] = ["An absolute http or https URL."];

        var slugs = body.Categories ?? [];
        if (body.Categories is null || slugs.Count == 0) errors["categories"] = ["Required: at least one category slug."];
        else if (slugs.Any(s => !Slugs.IsValid(s))) errors["categories"] = ["Each entry must be a category slug."];
        else
        {
            var existing = await categories.ExistingAsync(slugs, ct);
            var unknown = slugs.Where(s => !existing.Contains(s)).Distinct().ToList();
            if (unknown.Count > 0) errors["categories"] = [$"Unknown category: {string.Join(", ", unknown)}. Create it first with POST /api/categories."];
        }

        if (errors.Count > 0) return (null, Problems.Invalid(errors));
        var input = new PostInput(body.Title!.Trim(), body.Summary?.Trim() ?? "", body.Content!, NullIfBlank(body.Author), body.Link,
            status, publishedAt, slugs.Distinct().ToList());
        return (input, null);
    }

    private static bool TryParseTime(string text, out DateTimeOffset value)
    {
        // An offset-less time is taken as UTC; the stored value is always UTC.
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
            && text.Contains('T', StringComparison.Ordinal);
        value = value.ToUniversalTime();
        return ok;
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public static PostOutput Output(Post p, PostLinks links)
    {
        var url = links.PermalinkOf(p.Id);
        return new(p.Id, p.Guid, p.Title, p.Summary, p.Content, p.Author, p.Categories, p.Status, p.PublishedAt, p.UpdatedAt, p.CreatedAt, p.Link ?? url, url);
    }
}
