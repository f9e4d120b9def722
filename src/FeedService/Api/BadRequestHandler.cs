using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace FeedService.Api;

/// <summary>
/// A request the server refuses while reading it (a body over Kestrel's MaxRequestBodySize, a body cut short, a bad
/// chunk) answers with the status Kestrel chose (413, 400, 408…) as problem+json, instead of a 500: the handler that
/// was reading the body did nothing wrong, and the client needs to know what to change.
/// </summary>
public sealed class BadRequestHandler(IProblemDetailsService problems, ILogger<BadRequestHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted) return false;
        var limit = httpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        logger.LogInformation("Refused {Method} {Path} while reading it: {Status} {Reason}", httpContext.Request.Method, httpContext.Request.Path.Value, bad.StatusCode, bad.Message);
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",
                Detail = bad.StatusCode == StatusCodes.Status413PayloadTooLarge && limit is { } max
                    ? $"The request body is larger than the limit of {max / (1024 * 1024)} MiB."
                    : bad.Message,
            },
        });
    }
}
