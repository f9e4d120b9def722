namespace FeedService.Demo;

/// <summary>FeedService:Demo — first-start demo content.</summary>
public sealed class DemoOptions
{
    public const string Section = "FeedService:Demo";

    public bool Seed { get; set; }
}
