namespace FeedService.Serving.Embed;

public static class EmbedSetup
{
    public static IServiceCollection AddEmbedWidgets(this IServiceCollection services) => services.AddSingleton<WidgetFeeds>();
}
