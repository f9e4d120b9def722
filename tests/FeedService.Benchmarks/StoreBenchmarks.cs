using BenchmarkDotNet.Attributes;
using Dapper;
using FeedService.Categories;
using FeedService.Posts;
using FeedService.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace FeedService.Benchmarks;

/// <summary>
/// The query behind one category feed: the 50 newest visible posts of a category, with their categories, from a
/// SQLite file of 10,000 posts in 50 categories set up by the app's own migrations and stores.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const int Posts = 10_000;
    private string _folder = null!;
    private ServiceProvider _services = null!;
    private PostStore _posts = null!;
    private long _categoryId;
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _folder = Directory.CreateTempSubdirectory("feedservice-bench-").FullName;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IHostEnvironment>(new BenchEnvironment(_folder));
        services.Configure<StorageOptions>(o => o.DatabasePath = Path.Combine(_folder, "bench.db"));
        services.AddStorage();
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<Migrator>().MigrateAsync();

        var categories = _services.GetRequiredService<CategoryStore>();
        var ids = new List<long>();
        foreach (var slug in Fixtures.CategorySlugs)
            ids.Add((await categories.CreateAsync(slug, "Category " + slug[^2..], "", default))!.Id);

        // 10,000 posts in one transaction with the columns PostStore writes; each in 1–3 categories, 2% drafts, 1% scheduled.
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var db = _services.GetRequiredService<Db>();
        await using (var c = await db.OpenAsync())
        {
            await using var tx = await c.BeginTransactionAsync();
            var random = new Random(42);
            var body = Bench.Corpus.Body(1);
            var excerpt = Bench.Corpus.Excerpt(2);
            for (var i = 0; i < Posts; i++)
            {
                var published = start.AddMinutes(i * 53);
                var id = await c.ExecuteScalarAsync<long>("""
                    INSERT INTO posts (guid, title, summary, content, author, link, status, published_at, updated_at, created_at)
                    VALUES (@Guid, @Title, @Summary, @Content, @Author, @Link, @Status, @PublishedAt, @PublishedAt, @PublishedAt)
                    RETURNING id
                    """, new
                {
                    Guid = $"urn:uuid:{Guid.NewGuid()}", Title = $"Post {i}", Summary = excerpt, Content = body, Author = "Ann",
                    Link = $"https://news.example.org/posts/{i}", Status = random.Next(50) == 0 ? PostStatus.Draft : PostStatus.Published,
                    PublishedAt = random.Next(100) == 0 ? published.AddYears(5) : published,
                }, tx);
                var count = random.Next(1, 4);
                var first = random.Next(ids.Count);
                for (var k = 0; k < count; k++)
                    await c.ExecuteAsync("INSERT OR IGNORE INTO post_categories (post_id, category_id) VALUES (@P, @C)", new { P = id, C = ids[(first + k * 17) % ids.Count] }, tx);
            }
            await tx.CommitAsync();
            await c.ExecuteAsync("ANALYZE main");   // (one word alone, Dapper would call a stored procedure)
        }
        _posts = _services.GetRequiredService<PostStore>();
        _categoryId = ids[7];
        _now = start.AddYears(2);
        if ((await _posts.VisibleAsync(_categoryId, _now, 50)).Count != 50) throw new InvalidOperationException("the category does not have 50 visible posts");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<List<Post>> CategoryFeed() => _posts.VisibleAsync(_categoryId, _now, 50);

    [Benchmark]
    public Task<List<Post>> AllFeed() => _posts.VisibleAsync(null, _now, 50);

    private sealed class BenchEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "FeedService.Benchmarks";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
