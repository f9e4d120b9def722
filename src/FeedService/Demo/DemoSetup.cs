namespace FeedService.Demo;

public static class DemoSetup
{
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateOnStart();
        services.AddSingleton<DemoSeeder>();
        return services;
    }

    /// <summary>On a first start with FeedService:Demo:Seed, fills the empty database with the demo category.</summary>
    public static Task SeedDemoAsync(this IServiceProvider services) => services.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync();
}
