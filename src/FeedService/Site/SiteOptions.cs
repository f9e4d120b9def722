using System.ComponentModel.DataAnnotations;

namespace FeedService.Site;

/// <summary>FeedService:Site — what the public sees.</summary>
public sealed class SiteOptions
{
    public const string Section = "FeedService:Site";

    /// <summary>Public base URL used in every feed and link. No trailing slash needed.</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "http://localhost:5000";

    [Required]
    public string Title { get; set; } = "FeedService";

    public string Description { get; set; } = "Posts and republished announcements, one feed per category.";

    /// <summary>Language of the content (RSS language, Atom xml:lang), a BCP 47 tag.</summary>
    [Required, RegularExpression("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    public string Language { get; set; } = "en";

    /// <summary>Author written on posts that name none (Atom requires one).</summary>
    [Required]
    public string DefaultAuthor { get; set; } = "FeedService";

    public Uri BaseUri => new(BaseUrl.TrimEnd('/') + "/", UriKind.Absolute);

    /// <summary>An absolute URL for a path on this site, e.g. "feeds/all.rss".</summary>
    public string Url(string relativePath) => new Uri(BaseUri, relativePath.TrimStart('/')).AbsoluteUri;
}
