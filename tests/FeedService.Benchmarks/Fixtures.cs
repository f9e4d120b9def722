using FeedService.Bench;
using FeedService.Categories;
using FeedService.Content;
using FeedService.Posts;
using FeedService.Publishing;
using FeedService.Site;

namespace FeedService.Benchmarks;

/// <summary>Realistic inputs shared by the benchmarks, all from the seeded <see cref="Corpus"/>.</summary>
internal static class Fixtures
{
    public static readonly SiteOptions Site = new() { BaseUrl = "https://news.example.org", Title = "Example News" };

    public static readonly string[] CategorySlugs = [.. Enumerable.Range(0, 50).Select(i => $"category-{i:00}")];

    /// <summary>A category's current document: 50 posts with ~1.5 KB bodies, excerpts and 1–3 categories, built by the app's own builder.</summary>
    public static FeedDocument FiftyItemFeed()
    {
        var site = Microsoft.Extensions.Options.Options.Create(Site);
        var builder = new FeedModelBuilder(site, new PostLinks(site), new FeedHubs([site.Value.Url("websub")]));
        // Stored HTML is sanitized when it comes in; the feed renders it as stored.
        var html = new HtmlContent();
        var created = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var category = new Category(1, "category-00", "Category 00", "Posts about category 00", "urn:uuid:6f0c9d52-6f7b-4d8e-9a55-0d4bdf1c2a10", created, created);
        var names = CategorySlugs.ToDictionary(s => s, s => "Category " + s[^2..]);
        var posts = Enumerable.Range(0, 50).Select(i => new Post
        {
            Id = 1000 - i,
            Guid = $"urn:uuid:00000000-0000-4000-8000-{i:000000000000}",
            Title = $"Inspection of probation services in region {i}: findings & next steps",
            Summary = html.Prepare(Corpus.Excerpt(100 + i), "https://news.example.org/"),
            Content = html.Prepare(Corpus.Body(200 + i), "https://news.example.org/"),
            Author = i % 3 == 0 ? null : "Ann Author",
            Link = i % 4 == 0 ? null : $"https://news.example.org/2025/11/post-{i}",
            PublishedAt = created.AddDays(300).AddHours(-7 * i),
            UpdatedAt = created.AddDays(300).AddHours(-7 * i + 1),
            CreatedAt = created,
            Categories = [.. Enumerable.Range(0, 1 + (i % 3)).Select(k => CategorySlugs[(i + k * 7) % 50])],
        }).ToList();
        return builder.ForCategory(category, posts, names);
    }
}
