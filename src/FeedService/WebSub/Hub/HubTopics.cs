using FeedService.Publishing;
using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub.Hub;

/// <summary>
/// The hub's topics are this site's current feed documents, {BaseUrl}/feeds/{slug}.{rss|atom|json}, and nothing else:
/// a hub that pushed anyone's URL would be an open relay.
/// </summary>
public sealed class HubTopics(IOptions<SiteOptions> site, DocumentStore documents)
{
    /// <summary>Where the hub answers, advertised in every delivery's Link header.</summary>
    public string HubUrl => site.Value.Url("websub");

    /// <summary>The topic URL of a current feed document ("tech.atom").</summary>
    public string TopicOf(string file) => site.Value.Url($"feeds/{file}");

    /// <summary>
    /// The feed file a topic URL names, or null when it is not the URL of one of our current feed documents. The URL is
    /// compared in its normalized form (scheme and host in lower case, default port dropped) and must have no query.
    /// </summary>
    public string? FileOf(string topic)
    {
        if (!Uri.TryCreate(topic, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return null;
        var prefix = site.Value.Url("feeds/");
        var canonical = uri.AbsoluteUri;
        if (!canonical.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var file = canonical[prefix.Length..];
        return DocumentNames.IsCurrent(file) ? file : null;
    }

    /// <summary>Whether the document exists now (the category exists and its feeds were rendered).</summary>
    public bool Exists(string file) => documents.Get(file) is not null;

    /// <summary>Where a subscription should be told to look for the topic's format, e.g. "/feeds/{slug}.atom".</summary>
    public string TopicPattern => site.Value.Url("feeds/") + "{slug}.{rss|atom|json}";
}
