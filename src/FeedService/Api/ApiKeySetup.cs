using System.Security.Cryptography;
using FeedService.Storage;
using Microsoft.Extensions.Options;

namespace FeedService.Api;

public static class ApiKeySetup
{
    /// <summary>
    /// The configured keys; when none are configured, a random key generated on first start and kept in
    /// "api-key" beside the database, so a fresh install is never writable by anyone without that file.
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
            var path = Path.Combine(sp.GetRequiredService<Db>().DataFolder, "api-key");
            if (!File.Exists(path))
            {
                // Durably: a key file lost or emptied by a power cut would lock the publisher out (a new key, unknown to them).
                DurableFile.Write(path, System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) + "\n"),
                    UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("FeedService.Api.Auth")
                .LogWarning("No FeedService:Auth:ApiKeys configured; writes accept the generated key in {KeyFile}", path);
            return new ApiKeys([File.ReadAllText(path).Trim()]);
        });
    }
}
