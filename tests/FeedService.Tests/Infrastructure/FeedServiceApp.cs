using System.Net.Http.Headers;
using System.Net.Http.Json;
using FeedService.Publishing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FeedService.Tests.Infrastructure;

/// <summary>
/// The real app on a temp database and a temp feeds folder. Two instances over the same <see cref="Folder"/>
/// behave like a restart of the service.
/// </summary>
public sealed class FeedServiceApp : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-key-0123456789abcdef";
    public const string BaseUrl = "http://feeds.example.test";

    /// <summary>
    /// Settings under which feeds are regenerated only by the job's own triggers (start-up, writes, scheduled posts): the
    /// periodic run is put off until 2099, so a test that sees a change arrive knows a trigger, not the cron, did it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NoPeriodicRegeneration =
        new Dictionary<string, string> { ["FeedService:Feeds:RegenerateCron"] = "0 0 0 1 1 ? 2099" };

    public FeedServiceApp(string? folder = null, FakeTimeProvider? clock = null, bool seedDemo = false, int itemsPerFeed = 50,
        IReadOnlyDictionary<string, string>? settings = null, bool realHttp = false,
        bool configuredApiKey = true)
    {
        Settings = settings ?? new Dictionary<string, string>();
        if (realHttp)
        {
            // Real Kestrel on 127.0.0.1, for tests where other servers call back into the app (WebSub hubs).
            var port = FreePort();
            PublicBaseUrl = $"http://127.0.0.1:{port}";
            UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        }
        Folder = folder ?? Directory.CreateTempSubdirectory("feedservice-test-").FullName;
        Clock = clock;
        SeedDemo = seedDemo;
        ItemsPerFeed = itemsPerFeed;
        ConfiguredApiKey = configuredApiKey;
    }

    public string Folder { get; }

    /// <summary>The base URL the app puts in its feeds and links: <see cref="BaseUrl"/>, or its real address when it listens on Kestrel.</summary>
    public string PublicBaseUrl { get; } = BaseUrl;
    public FakeTimeProvider? Clock { get; }
    private bool SeedDemo { get; }
    private IReadOnlyDictionary<string, string> Settings { get; }
    private int ItemsPerFeed { get; }
    /// <summary>False: no key is configured, so the app generates one into data/api-key as on a first start.</summary>
    private bool ConfiguredApiKey { get; }
    public string FeedsFolder => Path.Combine(Folder, "feeds");
    public string DatabasePath => Path.Combine(Folder, "data", "feedservice.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(Folder);
        builder.UseSetting("FeedService:Storage:DatabasePath", DatabasePath);
        TestDatabase.Configure(builder, Folder);
        builder.UseSetting("FeedService:Feeds:OutputPath", FeedsFolder);
        builder.UseSetting("FeedService:Feeds:ItemsPerFeed", ItemsPerFeed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (ConfiguredApiKey) builder.UseSetting("FeedService:Auth:ApiKeys:0", ApiKey);
        builder.UseSetting("FeedService:Site:BaseUrl", PublicBaseUrl);
        builder.UseSetting("FeedService:Demo:Seed", SeedDemo ? "true" : "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Sources in tests live on 127.0.0.1; the refusal of private networks has tests of its own.
        builder.UseSetting("FeedService:Aggregation:AllowPrivateNetworks", "true");
        builder.UseSetting("FeedService:Aggregation:TimeoutSeconds", "3");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        if (Clock is not null) builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public HttpClient Writer()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    public async Task CreateCategoryAsync(string slug, string? name = null)
    {
        var response = await Writer().PostAsJsonAsync("/api/categories", new { slug, name = name ?? slug, description = $"About {slug}" });
        response.EnsureSuccessStatusCode();
    }

    public async Task<PostJson> CreatePostAsync(object body)
    {
        var response = await Writer().PostAsJsonAsync("/api/posts", body);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<PostJson>())!;
    }

    /// <summary>A connection to the app's database, whichever provider the tests run on (see <see cref="TestDatabase.OpenAsync"/>).</summary>
    public Task<System.Data.Common.DbConnection> OpenDatabaseAsync() => TestDatabase.OpenAsync(Folder);

    /// <summary>Runs one regeneration now, on the same path the scheduler takes, and waits for it.</summary>
    public Task RegenerateAsync() => Services.GetRequiredService<FeedRegenerator>().RunAsync(CancellationToken.None);

    /// <summary>Waits (bounded) until feeds/ holds what is served: the folder is written in the background.</summary>
    public async Task WaitForFeedFolderAsync()
    {
        var folder = Services.GetRequiredService<FeedFolder>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!folder.IsCurrent)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"feeds/ never caught up: {folder.Pending} pending, error {folder.Error ?? "none"}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits (bounded) until the served feed satisfies <paramref name="predicate"/>; returns its text.</summary>
    public async Task<string> WaitForFeedAsync(string file, Func<string, bool> predicate, TimeSpan? timeout = null)
    {
        var client = CreateClient();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            var response = await client.GetAsync($"/feeds/{file}");
            last = response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : $"HTTP {(int)response.StatusCode}";
            if (response.IsSuccessStatusCode && predicate(last)) return last;
            await Task.Delay(50);
        }
        throw new TimeoutException($"/feeds/{file} never satisfied the condition; last response:\n{last}");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed record PostJson(long Id, string Guid, string Title, string Summary, string Content, string? Author,
    List<string> Categories, string Status, DateTimeOffset PublishedAt, DateTimeOffset UpdatedAt, string Link, string Url);
