namespace FeedService.Aggregation.Fetching;

/// <summary>
/// Thrown by the connect step when the destination is on a forbidden network. It travels out of HttpClient as the
/// inner exception of an HttpRequestException, which is how the fetcher tells a refusal from a network error.
/// </summary>
public sealed class FetchRefusedException : Exception
{
    public FetchRefusedException() { }

    public FetchRefusedException(string message) : base(message) { }

    public FetchRefusedException(string message, Exception innerException) : base(message, innerException) { }
}
