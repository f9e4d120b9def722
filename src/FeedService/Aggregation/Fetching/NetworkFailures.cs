using System.Net.Sockets;
using System.Security.Authentication;

namespace FeedService.Aggregation.Fetching;

/// <summary>Turns the exceptions of a failed exchange into one human line for FetchResult.Error.</summary>
internal static class NetworkFailures
{
    public static string Describe(Exception exception, Uri url)
    {
        var what = exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "DNS lookup failed",
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "TLS handshake failed",
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "connection failed",
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => "response ended early",
            HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse } => "invalid HTTP response",
            System.IO.InvalidDataException => "body could not be decompressed",
            _ => "network error",
        };
        // The innermost exception names the actual cause ("Connection refused", "Name or service not known", a
        // certificate error…); outer ones only repeat the request.
        var cause = Innermost(exception);
        var detail = cause is SocketException or AuthenticationException or IOException or HttpRequestException or System.IO.InvalidDataException
            ? cause.Message
            : $"{cause.GetType().Name}: {cause.Message}";
        return OneLine($"{what} ({url.Authority}): {detail}");
    }

    public static Exception Innermost(Exception exception)
    {
        var current = exception;
        // Bounded by the depth of the exception chain.
        while (current.InnerException is { } inner) current = inner;
        return current;
    }

    public static T? Find<T>(Exception exception) where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
            if (current is T found) return found;
        return null;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
