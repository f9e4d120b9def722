using System.Text.RegularExpressions;
using FeedService.Options;
using FeedService.Publishing;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub.Hub;

/// <summary>
/// The hub's topics are this site's current feed documents, {BaseUrl}/feeds/{slug}.{rss|atom|json}, and nothing else:
/// a hub that pushed anyone's URL would be an open relay.
/// </summary>
public sealed partial class HubTopics(IOptions<SiteOptions> site, FeedFiles files)
{
    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*\\.(rss|atom|json)$", RegexOptions.CultureInvariant)]
    private static partial Regex FeedFileName();

    /// <summary>Where the hub answers, advertised in every delivery's Link header.</summary>
    public string HubUrl => site.Value.Url("websub");

    /// <summary>The topic URL of a current feed document ("tech.atom").</summary>
    public string TopicOf(string file) => site.Value.Url($"feeds/{file}");

    /// <summary>True for the name of a current feed document ("tech.atom"; not archive pages, not removals).</summary>
    public static bool IsFeedFile(string file) => FeedFileName().IsMatch(file);

    public static string ExtensionOf(string file) => file[(file.LastIndexOf('.') + 1)..];

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
        return IsFeedFile(file) ? file : null;
    }

    /// <summary>Whether the document is on disk now (the category exists and its feeds were rendered).</summary>
    public bool Exists(string file) => File.Exists(files.PathOf(file));

    /// <summary>The document's current bytes, or null when it is gone.</summary>
    public async Task<byte[]?> ReadAsync(string file, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllBytesAsync(files.PathOf(file), ct);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Where a subscription should be told to look for the topic's format, e.g. "/feeds/{slug}.atom".</summary>
    public string TopicPattern => site.Value.Url("feeds/") + "{slug}.{rss|atom|json}";
}
