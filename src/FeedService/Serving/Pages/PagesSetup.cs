namespace FeedService.Serving.Pages;

public static class PagesSetup
{
    public static IServiceCollection AddSitePages(this IServiceCollection services) => services.AddSingleton<PageQueries>();
}
