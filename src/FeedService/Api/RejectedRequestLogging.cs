namespace FeedService.Api;

/// <summary>One structured log line for every request the service refuses (4xx), whatever refused it.</summary>
public static class RejectedRequestLogging
{
    public static IApplicationBuilder UseRejectedRequestLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("FeedService.Rejected");
        return app.Use(async (context, next) =>
        {
            await next(context);
            var status = context.Response.StatusCode;
            if (status is >= 400 and < 500)
                logger.LogInformation("Rejected {Method} {Path} with {Status}", context.Request.Method, context.Request.Path.Value, status);
        });
    }
}
