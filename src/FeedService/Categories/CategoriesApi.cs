using FeedService.Api;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.Categories;

public static class CategoriesApi
{
    public sealed record CategoryInput(string? Slug, string? Name, string? Description);

    public sealed record CategoryFeeds(string Rss, string Atom);

    public sealed record CategoryOutput(string Slug, string Name, string Description, string FeedId, CategoryFeeds Feeds, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    public static RouteGroupBuilder MapCategoriesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/categories").WithTags("Categories");
        group.MapGet("/", ListAsync);
        group.MapGet("/{slug}", GetAsync);
        group.MapPost("/", CreateAsync).RequireApiKey().Accepts<CategoryInput>("application/json")
            .Produces<CategoryOutput>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(409);
        group.MapPut("/{slug}", UpdateAsync).RequireApiKey().Accepts<CategoryInput>("application/json")
            .Produces<CategoryOutput>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(404);
        group.MapDelete("/{slug}", DeleteAsync).RequireApiKey().Produces(204).ProducesProblem(401).ProducesProblem(404);
        return group;
    }

    private static async Task<IResult> ListAsync(CategoryStore store, IOptions<SiteOptions> site, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct)).Select(c => Output(c, site.Value)));

    private static async Task<IResult> GetAsync(string slug, CategoryStore store, IOptions<SiteOptions> site, CancellationToken ct) =>
        Slugs.IsValid(slug) && await store.FindAsync(slug, ct) is { } category
            ? TypedResults.Ok(Output(category, site.Value))
            : Problems.NotFound($"There is no category '{slug}'.");

    private static async Task<IResult> CreateAsync(HttpRequest request, CategoryStore store, IContentChanges changes, IOptions<SiteOptions> site, CancellationToken ct)
    {
        var (input, error) = await JsonBody.ReadAsync<CategoryInput>(request, ct);
        if (error is not null) return error;
        var errors = Validate(input!, requireSlug: true);
        if (errors.Count > 0) return Problems.Invalid(errors);
        var created = await store.CreateAsync(input!.Slug!, input.Name!.Trim(), input.Description?.Trim() ?? "", ct);
        if (created is null) return Problems.Conflict($"A category with slug '{input.Slug}' already exists.");
        await changes.ChangedAsync([created.Slug], ct);
        return TypedResults.Created($"/api/categories/{created.Slug}", Output(created, site.Value));
    }

    private static async Task<IResult> UpdateAsync(string slug, HttpRequest request, CategoryStore store, IContentChanges changes, IOptions<SiteOptions> site, CancellationToken ct)
    {
        if (!Slugs.IsValid(slug) || await store.FindAsync(slug, ct) is null) return Problems.NotFound($"There is no category '{slug}'.");
        var (input, error) = await JsonBody.ReadAsync<CategoryInput>(request, ct);
        if (error is not null) return error;
        var errors = Validate(input!, requireSlug: false);
        if (input!.Slug is not null && input.Slug != slug)
            errors["slug"] = ["A category's slug cannot change: its feed URLs are built from it. Create a new category instead."];
        if (errors.Count > 0) return Problems.Invalid(errors);
        var updated = await store.UpdateAsync(slug, input.Name!.Trim(), input.Description?.Trim() ?? "", ct);
        if (updated is null) return Problems.NotFound($"There is no category '{slug}'.");
        // Items carry their categories' names, so a rename reaches every feed that holds one of its posts.
        await changes.EverythingChangedAsync(ct);
        return TypedResults.Ok(Output(updated, site.Value));
    }

    private static async Task<IResult> DeleteAsync(string slug, CategoryStore store, IContentChanges changes, CancellationToken ct)
    {
        if (!Slugs.IsValid(slug) || !await store.DeleteAsync(slug, ct)) return Problems.NotFound($"There is no category '{slug}'.");
        // Its posts stay (in their other categories and in "all"); its feed files are removed by the next run.
        await changes.EverythingChangedAsync(ct);
        return TypedResults.NoContent();
    }

    private static Dictionary<string, string[]> Validate(CategoryInput input, bool requireSlug)
    {
        var errors = new Dictionary<string, string[]>();
        if (requireSlug && !Slugs.IsValid(input.Slug))
            errors["slug"] = [$"Required: 1-{Slugs.MaxLength} lower-case letters, digits and single hyphens (e.g. \"tech-news\")."];
        else if (input.Slug == Slugs.All)
            errors["slug"] = ["'all' is reserved for the feed of every category."];
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 200)
            errors["name"] = ["Required: 1-200 characters."];
        if (input.Description is { Length: > 2000 })
            errors["description"] = ["At most 2000 characters."];
        return errors;
    }

    public static CategoryOutput Output(Category c, SiteOptions site) =>
        new(c.Slug, c.Name, c.Description, c.FeedId, new CategoryFeeds(site.Url($"feeds/{c.Slug}.rss"), site.Url($"feeds/{c.Slug}.atom")), c.CreatedAt, c.UpdatedAt);
}
