using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FeedService.Api;

/// <summary>
/// The rate limit of the write API: a token bucket per API key (for callers with a valid key) or per client IP address
/// (for everyone else, so wrong keys are limited as well). A refused request gets 429 problem+json with Retry-After.
/// </summary>
public static class WriteRateLimits
{
    /// <summary>The policy every write route requires (see <see cref="ApiKeyFilter.RequireApiKey"/>).</summary>
    public const string Policy = "api-writes";

    public static IServiceCollection AddWriteRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
            o.AddPolicy(Policy, Partition);
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        if (!options.Enabled) return RateLimitPartition.GetNoLimiter("off");
        var key = context.RequestServices.GetRequiredService<ApiKeys>().Match(context.Request);
        var partition = key is { } index ? $"key:{index}" : $"ip:{context.Connection.RemoteIpAddress}";
        return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.WriteBurst,
            TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(options.WritesPerMinute / 60.0)),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await TypedResults.Problem(
            $"Too many write requests from this API key or address; try again in {seconds} s. The limits are FeedService:RateLimits:WritesPerMinute and WriteBurst.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(context);
    }
}
