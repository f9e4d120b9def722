using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.Posts;

/// <summary>Where a post lives on this site.</summary>
public sealed class PostLinks(IOptions<SiteOptions> site)
{
    /// <summary>The post's own page, its link when it names none of its own.</summary>
    public string PermalinkOf(long postId) => site.Value.Url($"posts/{postId.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>Where the post links: its own link, else its page here.</summary>
    public string LinkOf(Post post) => post.Link ?? PermalinkOf(post.Id);
}
