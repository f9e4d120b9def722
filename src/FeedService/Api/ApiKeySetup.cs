using System.Security.Cryptography;
using Dapper;
using FeedService.Storage;
using Microsoft.Extensions.Options;

namespace FeedService.Api;

public static class ApiKeySetup
{
    /// <summary>
    /// The configured keys; when none are configured, a random key generated on first start and kept in
    /// "api-key" beside the database, so a fresh install is never writable by anyone without that file. On PostgreSQL the
    /// generated key is the database's (site_settings), so every node accepts the same key, and each node writes it to
    /// its own data/api-key.
    /// </summary>
    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.ApiKeys.All(k => k.Trim().Length >= 16), "FeedService:Auth:ApiKeys entries must be at least 16 characters")
            .ValidateOnStart();
        return services.AddSingleton(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<AuthOptions>>().Value.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
            if (configured.Count > 0) return new ApiKeys(configured);
            var db = sp.GetRequiredService<Db>();
            var path = Path.Combine(db.DataFolder, "api-key");
            var shared = db.Provider == StorageProvider.Postgres ? SharedGeneratedKey(db) : null;
            if (!File.Exists(path) || (shared is not null && File.ReadAllText(path).Trim() != shared))
            {
                // Durably: a key file lost or emptied by a power cut would lock the publisher out (a new key, unknown to them).
                DurableFile.Write(path, System.Text.Encoding.ASCII.GetBytes((shared ?? NewKey()) + "\n"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("FeedService.Api.Auth")
                .LogWarning("No FeedService:Auth:ApiKeys configured; writes accept the generated key in {KeyFile}", path);
            return new ApiKeys([File.ReadAllText(path).Trim()]);
        });
    }

    private static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>The cluster's generated key: the first node to start chooses it, the others read it.</summary>
    private static string SharedGeneratedKey(Db db)
    {
        using var c = db.Open();
        c.Execute("INSERT INTO site_settings (key, value) VALUES ('generated_api_key', @Key) ON CONFLICT DO NOTHING", new { Key = NewKey() });
        return c.ExecuteScalar<string>("SELECT value FROM site_settings WHERE key = 'generated_api_key'")!;
    }
}
