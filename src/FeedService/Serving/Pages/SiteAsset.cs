using FeedService.Site;

namespace FeedService.Serving.Pages;

/// <summary>
/// A file the pages link to, served from memory. Pages link it with its tag in the query, so a new version is fetched
/// at once after a deploy.
/// </summary>
public sealed record SiteAsset(string Path, string ContentType, byte[] Bytes)
{
    /// <summary>The file's strong validator, also its version in the URL pages link.</summary>
    public string Tag { get; } = CachedBody.TagOf(Bytes);

    public string Url(SiteOptions site) => site.Url($"{Path}?v={Tag[..12]}");
}
