using FeedService.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace FeedService.Api;

/// <summary>
/// A write that fails because the disk under the database (or any file the request writes) is full answers
/// 503 problem+json saying so, instead of a bare 500: nothing was stored, and the same request succeeds once
/// there is space again.
/// </summary>
public sealed class StorageFullHandler(IProblemDetailsService problems, ILogger<StorageFullHandler> logger) : IExceptionHandler
{
    private const int Enospc = 28;            // Linux errno, the HResult of .NET's IOException for it
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsStorageFull(exception) || httpContext.Response.HasStarted) return false;
        logger.LogError(exception, "{Method} {Path} failed: the disk is full; nothing was stored", httpContext.Request.Method, httpContext.Request.Path.Value);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "60";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Storage full",
                Detail = "The server's disk is full, so this change was not saved. Nothing was stored; try again once there is space.",
            },
        });
    }

    /// <summary>True when the exception (or one inside it) says the disk is full.</summary>
    public static bool IsStorageFull(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (SqlDialect.IsDiskFull(e)) return true;
            if (e is IOException { HResult: Enospc or WindowsDiskFull or WindowsHandleDiskFull }) return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsStorageFull)) return true;
        }
        return false;
    }
}
