namespace FeedService.Serving.Pages;

public static class PagesApi
{
    /// <summary>The pages for people (and for feed autodiscovery), rendered on the server.</summary>
    public static RouteGroupBuilder MapSitePages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Pages").ExcludeFromDescription();
        group.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], HomePage.ShowAsync);
        group.MapMethods("/categories/{slug}", [HttpMethods.Get, HttpMethods.Head], CategoryArchivePage.ShowAsync);
        group.MapMethods("/posts/{id}", [HttpMethods.Get, HttpMethods.Head], PostPage.ShowAsync);
        return group;
    }
}
