namespace FeedService.Posts;

public static class PostsSetup
{
    /// <summary>Expects Content (the sanitizer) and an <see cref="Categories.IContentChanges"/> (Publishing) to be registered.</summary>
    public static IServiceCollection AddPosts(this IServiceCollection services)
    {
        services.AddSingleton<PostIds>();
        services.AddSingleton<PostStore>();
        services.AddSingleton<PostLinks>();
        services.AddSingleton<PostAuthoring>();
        services.AddHostedService<StoredHtmlUpgrade>();
        return services;
    }
}
