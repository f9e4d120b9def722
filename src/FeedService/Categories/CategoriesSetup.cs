namespace FeedService.Categories;

public static class CategoriesSetup
{
    public static IServiceCollection AddCategories(this IServiceCollection services) => services.AddSingleton<CategoryStore>();
}
