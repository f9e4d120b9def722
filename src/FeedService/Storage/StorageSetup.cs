using FeedService.Categories;
using FeedService.Demo;
using FeedService.Posts;

namespace FeedService.Storage;

public static class StorageSetup
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        UtcTimeHandler.Register();
        services.AddSingleton<Db>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<CategoryStore>();
        services.AddSingleton<PostIds>();
        services.AddSingleton<PostStore>();
        services.AddSingleton<DemoSeeder>();
        return services;
    }

    /// <summary>Migrates the database and, on a first start, seeds the demo data.</summary>
    public static async Task PrepareDatabaseAsync(this IServiceProvider services)
    {
        await services.GetRequiredService<Migrator>().MigrateAsync();
        await services.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync();
    }
}
