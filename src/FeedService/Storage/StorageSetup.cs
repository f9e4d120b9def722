namespace FeedService.Storage;

public static class StorageSetup
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        UtcTimeHandler.Register();
        services.AddSingleton<Db>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<ChangeSignals>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeSignals>());
        return services;
    }

    /// <summary>Brings the database's schema up to date (numbered migrations, each once).</summary>
    public static Task MigrateDatabaseAsync(this IServiceProvider services) => services.GetRequiredService<Migrator>().MigrateAsync();
}
