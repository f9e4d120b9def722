namespace FeedService.Content;

public static class ContentSetup
{
    /// <summary>The sanitizer every door (the authoring API, ingest) passes HTML through before it is stored.</summary>
    public static IServiceCollection AddContent(this IServiceCollection services) => services.AddSingleton<HtmlContent>();
}
