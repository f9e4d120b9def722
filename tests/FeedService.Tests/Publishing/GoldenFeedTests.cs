using System.Text;
using FeedService.Categories;
using FeedService.Content;
using FeedService.Posts;
using FeedService.Publishing;
using FeedService.Site;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Publishing;

/// <summary>
/// Fixed data through the model builder and both writers, compared byte for byte with committed files.
/// Any change to the output is deliberate: rerun with UPDATE_GOLDEN=1, then read the diff before committing.
/// </summary>
public sealed class GoldenFeedTests
{
    private static FeedDocument Document()
    {
        var site = Microsoft.Extensions.Options.Options.Create(new SiteOptions { BaseUrl = "https://news.example.org/", Title = "Example News", DefaultAuthor = "Newsroom" });
        var links = new PostLinks(site);
        var builder = new FeedModelBuilder(site, links, new FeedHubs([site.Value.Url("websub")]));
        // Posts are stored as the door leaves them: sanitized, URLs absolute against the post's link or page.
        var html = new HtmlContent();
        var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var category = new Category(1, "tech", "Tech & Science", "Technology <news>", "urn:uuid:00000000-0000-4000-8000-000000000001", created, created);
        Post Make(long id, string title, string summary, string content, string? author, string? link, int day, int updatedDay, params string[] categories) => new()
        {
            Id = id,
            Guid = $"urn:uuid:00000000-0000-4000-8000-00000000010{id}",
            Title = title, Summary = html.Prepare(summary, link ?? links.PermalinkOf(id)), Content = html.Prepare(content, link ?? links.PermalinkOf(id)),
            Author = author, Link = link,
            PublishedAt = new DateTimeOffset(2026, 2, day, 9, 30, 0, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(2026, 2, updatedDay, 9, 30, 0, TimeSpan.Zero),
            Categories = [.. categories],
        };
        var posts = new List<Post>
        {
            Make(2, "Second & <latest>", "<p>Short</p>", "<p>Body with <a href=\"/rel\">a link</a> and <img src=\"a.png\" alt=\"a\"></p>", "Ann Author", null, 3, 4, "science", "tech"),
            Make(1, "First", "", "<p>Only content \u0001</p>", null, "https://elsewhere.example.com/story", 1, 1, "tech"),
        };
        // An aggregated post says where it came from.
        var aggregated = Make(3, "Republished", "<p>From elsewhere</p>", "<p>Original text</p>", "Agency Press Office", "https://agency.example.gov/news/1", 2, 2, "tech");
        posts.Insert(1, new Post
        {
            Id = aggregated.Id, Guid = aggregated.Guid, Title = aggregated.Title, Summary = aggregated.Summary, Content = aggregated.Content,
            Author = aggregated.Author, Link = aggregated.Link, PublishedAt = aggregated.PublishedAt, UpdatedAt = aggregated.UpdatedAt,
            Categories = aggregated.Categories, SourceId = 7, SourceUrl = "https://agency.example.gov/feed.xml", SourceTitle = "Agency News",
        });
        var names = new Dictionary<string, string> { ["tech"] = "Tech & Science", ["science"] = "Science" };
        return builder.ForCategory(category, posts, names);
    }

    [Theory]
    [InlineData("tech.rss")]
    [InlineData("tech.atom")]
    public void Output_matches_the_golden_file(string name)
    {
        var doc = Document();
        var bytes = name.EndsWith(".rss", StringComparison.Ordinal) ? FeedWriters.Rss(doc) : FeedWriters.Atom(doc);
        var path = Path.Combine(AppContext.BaseDirectory, "Golden", name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            var source = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../Golden", name));
            File.WriteAllBytes(source, bytes);
        }
        Assert.Equal(File.ReadAllText(path), Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Golden_output_is_valid_and_deterministic()
    {
        var rss = FeedWriters.Rss(Document());
        var atom = FeedWriters.Atom(Document());
        Assert.Equal(rss, FeedWriters.Rss(Document()));
        Assert.Equal(atom, FeedWriters.Atom(Document()));
        Assert.Equal(3, FeedAssert.ValidRss(Encoding.UTF8.GetString(rss), "https://news.example.org/feeds/tech.rss").Count);
        Assert.Equal(3, FeedAssert.ValidAtom(Encoding.UTF8.GetString(atom), "https://news.example.org/feeds/tech.atom").Count);
        Assert.False(rss.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "no byte-order mark");
    }
}
