namespace FeedService.Publishing;

/// <summary>
/// The WebSub hubs that current feed documents advertise (rel="hub" in the document, and in the Link header when served).
/// Publishing runs no hub: WebSub registers the hubs it runs or was given; without it, feeds advertise none.
/// </summary>
public sealed class FeedHubs(IReadOnlyList<string> advertised)
{
    public static readonly FeedHubs None = new([]);

    public IReadOnlyList<string> Advertised { get; } = advertised;

    /// <summary>The value of the Link header of a feed response: its hubs and itself (WebSub 4).</summary>
    public string LinkHeader(string selfUrl) =>
        string.Join(", ", Advertised.Select(h => $"<{h}>; rel=\"hub\"").Append($"<{selfUrl}>; rel=\"self\""));
}
