using System.Security.Cryptography;
using System.Text;

namespace FeedService.Api;

/// <summary>Write routes require "Authorization: Bearer &lt;key&gt;" with one of the configured keys.</summary>
public static class ApiKeyFilter
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
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

    public bool IsAuthorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        var match = false;
        foreach (var digest in _digests) match |= CryptographicOperations.FixedTimeEquals(digest, presented);
        return match;
    }
}
