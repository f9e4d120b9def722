namespace FeedService.Serving;

public static class ServingSetup
{
    /// <summary>The feed endpoints' parts: documents as served, archive pages rendered on request, the responder.</summary>
    public static IServiceCollection AddFeedServing(this IServiceCollection services)
    {
        services.AddSingleton<ArchiveResponses>();
        services.AddSingleton<FeedCache>();
        services.AddSingleton<Publishing.IDocumentListener>(sp => sp.GetRequiredService<FeedCache>());
        services.AddSingleton<FeedResponder>();
        return services;
    }
}
