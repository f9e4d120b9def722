using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub.Hub;

/// <summary>FeedService:WebSub:RateLimit — subscription requests accepted per client address and window.</summary>
public sealed class HubRateLimitOptions
{
    public const string Section = "FeedService:WebSub:RateLimit";

    /// <summary>Requests to POST /websub per client IP address and window.</summary>
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 60;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Each request to POST /websub makes the hub send a verification request somewhere: a fixed window per client IP keeps
/// the hub from being used to flood callbacks (or itself). Behind a reverse proxy every client has the proxy's address
/// unless forwarded headers are configured.
/// </summary>
public static class HubRateLimit
{
    public const string Policy = "websub-hub";

    public static IServiceCollection AddHubRateLimit(this IServiceCollection services)
    {
        services.AddOptions<HubRateLimitOptions>().BindConfiguration(HubRateLimitOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Window > TimeSpan.Zero && o.Window <= TimeSpan.FromDays(1), "FeedService:WebSub:RateLimit:Window must be positive and at most a day")
            .ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<HubRateLimitOptions>>().Value;
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.PermitLimit,
                    Window = options.Window,
                    QueueLimit = 0,
                });
            });
            // The rejection handler is one for every policy of the app: the hub answers its own refusals and hands the others on.
            var others = limiter.OnRejected;
            limiter.OnRejected = async (rejected, ct) =>
            {
                if (rejected.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName != Policy)
                {
                    if (others is not null) await others(rejected, ct);
                    return;
                }
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                    $"Too many subscription requests from your address; try again in {seconds} s. The limit is FeedService:WebSub:RateLimit.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(rejected.HttpContext);
            };
        });
        return services;
    }
}
