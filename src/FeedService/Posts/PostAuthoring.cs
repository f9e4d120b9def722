using FeedService.Categories;
using FeedService.Content;

namespace FeedService.Posts;

/// <summary>
/// The door for posts written here (the authoring API, the demo data): the HTML is sanitized and its URLs made absolute
/// once, before it is stored, so everything that shows a post (feeds, pages, the widget) shows it as stored; and the
/// feeds are told after the write is committed.
/// </summary>
public sealed class PostAuthoring(PostStore store, PostIds ids, PostLinks links, HtmlContent html, IContentChanges changes)
{
    public async Task<Post> CreateAsync(PostInput input, CancellationToken ct = default)
    {
        // The id comes first: a post without a link of its own resolves its relative URLs against its page here.
        var id = await ids.NextAsync(ct);
        var post = await store.CreateAsync(id, Clean(input, id), ct);
        await changes.ChangedAsync(post.Categories, ct);
        return post;
    }

    /// <summary>Replaces a post's fields; null when there is no such post.</summary>
    public async Task<Post?> UpdateAsync(long id, PostInput input, CancellationToken ct = default)
    {
        if (await store.UpdateAsync(id, Clean(input, id), ct) is not { } updated) return null;
        await changes.ChangedAsync(updated.Post.Categories.Concat(updated.PreviousCategories), ct);
        return updated.Post;
    }

    /// <summary>Deletes a post; false when there was none.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken ct = default)
    {
        if (await store.DeleteAsync(id, ct) is not { } categories) return false;
        await changes.ChangedAsync(categories, ct);
        return true;
    }

    private PostInput Clean(PostInput input, long id)
    {
        var baseUrl = input.Link ?? links.PermalinkOf(id);
        return input with { Content = html.Prepare(input.Content, baseUrl), Summary = html.Prepare(input.Summary, baseUrl) };
    }
}
