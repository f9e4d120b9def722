using System.Security.Cryptography;
using System.Text;

namespace FeedService.Api;

/// <summary>
/// Write routes require "Authorization: Bearer &lt;key&gt;" with one of the configured keys, and are rate limited
/// (<see cref="WriteRateLimits"/>), so every route that takes a key is limited too.
/// </summary>
public static class ApiKeyFilter
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(WriteRateLimits.Policy).AddEndpointFilter(async (context, next) =>
        {
            var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeys>();
            if (keys.IsAuthorized(context.HttpContext.Request)) return await next(context);
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"FeedService\"";
            return Problems.Unauthorized();
        });
}

/// <summary>The accepted keys, compared as SHA-256 digests in constant time so timing reveals nothing about them.</summary>
public sealed class ApiKeys(IReadOnlyList<string> keys)
{
    private readonly byte[][] _digests = keys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k.Trim()))).ToArray();

    public bool IsAuthorized(HttpRequest request) => Match(request) is not null;

    /// <summary>The index of the configured key the request presents, or null (the rate limiter counts per key).</summary>
    public int? Match(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        int? match = null;
        // Every digest is compared, whichever matches, so the time taken says nothing about which key or how many.
        for (var i = 0; i < _digests.Length; i++)
            if (CryptographicOperations.FixedTimeEquals(_digests[i], presented)) match ??= i;
        return match;
    }
}
