namespace FeedService.Api;

/// <summary>FeedService:Auth — who may write.</summary>
public sealed class AuthOptions
{
    public const string Section = "FeedService:Auth";

    /// <summary>Accepted bearer keys. When empty, a key is generated on first start and stored beside the database.</summary>
    public List<string> ApiKeys { get; set; } = [];
}
