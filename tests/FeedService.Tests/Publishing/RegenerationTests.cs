using System.Net.Http.Json;
using FeedService.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Xunit;

namespace FeedService.Tests.Publishing;

public sealed class RegenerationTests
{
    [Fact]
    public async Task Healthz_names_at_most_fifty_changed_documents_and_counts_them_all()
    {
        var folder = TempFolder.Create();
        await using (var first = new FeedServiceApp(folder))
        {
            for (var i = 0; i < 20; i++) await first.CreateCategoryAsync($"c{i:00}");
        }
        // A new site title changes every document: the restart's first run publishes all of them again.
        await using var app = new FeedServiceApp(folder, settings: new Dictionary<string, string> { ["FeedService:Site:Title"] = "Renamed" });
        var client = app.CreateClient();
        var status = app.Services.GetRequiredService<FeedService.Publishing.RegenerationStatus>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (status.Last is null && DateTime.UtcNow < deadline) await Task.Delay(20);

        // 21 feeds (20 categories and all) in three formats changed in the first run. (On PostgreSQL a run the first app
        // asked for and did not start is still stored, and may run next, changing nothing: the first run is the one read.)
        var firstRun = status.Last!;
        Assert.Equal(63, firstRun.ChangedCount);
        Assert.Equal(50, firstRun.Changed.Count);
        Assert.Equal("all.rss", firstRun.Changed[0]);
        var health = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/healthz")).RootElement.GetProperty("lastRegeneration");
        if (status.Runs == 1)
        {
            Assert.Equal(63, health.GetProperty("changedCount").GetInt32());
            Assert.Equal(50, health.GetProperty("changed").GetArrayLength());
            Assert.Equal("all.rss", health.GetProperty("changed")[0].GetString());
        }
    }

    [Fact]
    public async Task Same_data_renders_the_same_bytes_and_etags_across_runs_and_restarts()
    {
        var folder = TempFolder.Create();
        string rss, atom;
        string? rssTag, atomTag;
        DateTime rssWritten;
        DateTimeOffset? rssModified;
        await using (var app = new FeedServiceApp(folder, seedDemo: true))
        {
            await app.CreateCategoryAsync("tech");
            var post = await app.CreatePostAsync(new { title = "Stable", content = "<p>x</p>", categories = new[] { "tech" }, publishedAt = "2026-03-01T00:00:00Z" });
            rss = await app.WaitForFeedAsync("tech.rss", x => x.Contains(post.Guid, StringComparison.Ordinal));
            atom = await app.WaitForFeedAsync("tech.atom", x => x.Contains(post.Guid, StringComparison.Ordinal));
            var client = app.CreateClient();
            rssTag = (await client.GetAsync("/feeds/tech.rss")).Headers.ETag?.Tag;
            atomTag = (await client.GetAsync("/feeds/tech.atom")).Headers.ETag?.Tag;
            await app.WaitForFeedFolderAsync();
            rssWritten = File.GetLastWriteTimeUtc(Path.Combine(app.FeedsFolder, "tech.rss"));
            rssModified = (await client.GetAsync("/feeds/tech.rss")).Content.Headers.LastModified;

            await app.RegenerateAsync();
            Assert.Equal(rss, await client.GetStringAsync("/feeds/tech.rss"));
            Assert.Equal(rssTag, (await client.GetAsync("/feeds/tech.rss")).Headers.ETag?.Tag);
        }

        await using (var restarted = new FeedServiceApp(folder, seedDemo: true))
        {
            var client = restarted.CreateClient();
            await restarted.RegenerateAsync();
            Assert.Equal(rss, await client.GetStringAsync("/feeds/tech.rss"));
            Assert.Equal(atom, await client.GetStringAsync("/feeds/tech.atom"));
            Assert.Equal(rssTag, (await client.GetAsync("/feeds/tech.rss")).Headers.ETag?.Tag);
            Assert.Equal(atomTag, (await client.GetAsync("/feeds/tech.atom")).Headers.ETag?.Tag);
            // Unchanged bytes are never published again, so Last-Modified survives the restart too, and so does the file.
            Assert.Equal(rssModified, (await client.GetAsync("/feeds/tech.rss")).Content.Headers.LastModified);
            await restarted.WaitForFeedFolderAsync();
            Assert.Equal(rssWritten, File.GetLastWriteTimeUtc(Path.Combine(restarted.FeedsFolder, "tech.rss")));
            // The demo seed ran once, not again on the restart.
            Assert.Equal(9, (await client.GetFromJsonAsync<PageJson>("/api/posts?category=hm-probation-inspectorate&pageSize=100"))!.Total);
        }
    }

    [Fact]
    public async Task A_post_in_two_categories_is_in_both_feeds_and_in_all_and_leaves_when_deleted()
    {
        await using var app = new FeedServiceApp();
        await app.CreateCategoryAsync("a");
        await app.CreateCategoryAsync("b");
        await app.CreateCategoryAsync("c");
        var post = await app.CreatePostAsync(new { title = "Both", content = "<p>x</p>", categories = new[] { "a", "b" } });
        foreach (var file in new[] { "a.rss", "a.atom", "b.rss", "b.atom", "all.rss", "all.atom" })
            await app.WaitForFeedAsync(file, x => x.Contains(post.Guid, StringComparison.Ordinal));
        Assert.DoesNotContain(post.Guid, await app.WaitForFeedAsync("c.rss", _ => true), StringComparison.Ordinal);

        (await app.Writer().DeleteAsync($"/api/posts/{post.Id}")).EnsureSuccessStatusCode();
        foreach (var file in new[] { "a.rss", "a.atom", "b.rss", "b.atom", "all.rss", "all.atom" })
            await app.WaitForFeedAsync(file, x => !x.Contains(post.Guid, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_write_reaches_its_feed_without_a_restart_or_a_scheduled_run()
    {
        // No periodic run at all: only the write's own trigger can bring the post into its feed. (The 2 s figure is
        // measured against the published app by tests/interop/run.sh, not timed here.)
        await using var app = new FeedServiceApp(settings: FeedServiceApp.NoPeriodicRegeneration);
        await app.CreateCategoryAsync("fast");
        await app.WaitForFeedAsync("fast.rss", _ => true);
        var runs = app.Services.GetRequiredService<FeedService.Publishing.RegenerationStatus>().Runs;
        var post = await app.CreatePostAsync(new { title = "Quick", content = "<p>x</p>", categories = new[] { "fast" } });
        await app.WaitForFeedAsync("fast.atom", x => x.Contains(post.Guid, StringComparison.Ordinal));
        // A run records itself just after it publishes (on PostgreSQL after saving the archive too): give it a moment.
        var status = app.Services.GetRequiredService<FeedService.Publishing.RegenerationStatus>();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (status.Runs <= runs && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(status.Runs > runs);
    }

    [Fact]
    public async Task A_future_post_stays_out_until_its_time_then_appears()
    {
        // Real time and the real scheduler, with no periodic run: only the trigger the job set for the post can show it.
        await using var app = new FeedServiceApp(settings: FeedServiceApp.NoPeriodicRegeneration);
        await app.CreateCategoryAsync("news");
        var client = app.CreateClient();
        await app.WaitForFeedAsync("news.rss", _ => true);
        var goLive = DateTimeOffset.UtcNow.AddSeconds(3);
        var post = await app.CreatePostAsync(new { title = "Scheduled", content = "<p>x</p>", categories = new[] { "news" }, publishedAt = goLive.ToString("O") });

        // The write's own run leaves it out, and wakes the job for the moment it goes live...
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        ITrigger? trigger;
        while ((trigger = await scheduler.GetTrigger(new TriggerKey("scheduled-post", "publishing"))) is null && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.NotNull(trigger);
        Assert.Equal(goLive, trigger!.StartTimeUtc);
        Assert.DoesNotContain(post.Guid, await client.GetStringAsync("/feeds/news.rss"), StringComparison.Ordinal);
        Assert.DoesNotContain(post.Guid, await client.GetStringAsync("/feeds/all.atom"), StringComparison.Ordinal);

        // ...which fires then, with nothing else written in between, and never before.
        await app.WaitForFeedAsync("news.rss", x => x.Contains(post.Guid, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.True(DateTimeOffset.UtcNow >= goLive, "shown before its time");
        Assert.Contains(post.Guid, await client.GetStringAsync("/feeds/all.atom"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Xml_illegal_characters_are_removed_and_relative_links_made_absolute()
    {
        await using var app = new FeedServiceApp();
        await app.CreateCategoryAsync("edge");
        var post = await app.CreatePostAsync(new
        {
            title = "Bell\u0007 and \u001b escape \uFFFE",
            summary = "<p>See <a href=\"/about\">about</a>\u0001</p>",
            content = "<p>Read <a href=\"../other/page\">this</a> and <img src=\"pic.png\" alt=\"x\"> <a href=\"https://example.org/x\">abs</a>\u000B</p><script>alert(1)</script><p onclick=\"evil()\">click</p>",
            author = "Zoë \u0002",
            categories = new[] { "edge" },
            publishedAt = "2026-05-01T12:00:00Z",
        });
        var rss = await app.WaitForFeedAsync("edge.rss", x => x.Contains(post.Guid, StringComparison.Ordinal));
        var atom = await app.WaitForFeedAsync("edge.atom", x => x.Contains(post.Guid, StringComparison.Ordinal));
        FeedAssert.ValidRss(rss, $"{FeedServiceApp.BaseUrl}/feeds/edge.rss");
        FeedAssert.ValidAtom(atom, $"{FeedServiceApp.BaseUrl}/feeds/edge.atom");
        foreach (var doc in new[] { rss, atom })
        {
            TextAssert.ContainsAll(doc, "Bell and  escape ", $"{FeedServiceApp.BaseUrl}/about", $"{FeedServiceApp.BaseUrl}/other/page",
                $"{FeedServiceApp.BaseUrl}/posts/pic.png", "https://example.org/x", "Zoë");
            TextAssert.ContainsNone(doc, "&lt;script", "alert(1)", "onclick");
        }
    }

    [Fact]
    public async Task Feeds_hold_the_newest_items_per_feed_newest_first()
    {
        await using var app = new FeedServiceApp(itemsPerFeed: 3);
        await app.CreateCategoryAsync("many");
        var guids = new List<string>();
        for (var i = 1; i <= 5; i++)
            guids.Add((await app.CreatePostAsync(new { title = $"P{i}", content = "<p>x</p>", categories = new[] { "many" }, publishedAt = $"2026-01-0{i}T00:00:00Z" })).Guid);
        var rss = await app.WaitForFeedAsync("many.rss", x => x.Contains(guids[4], StringComparison.Ordinal));
        Assert.Equal([guids[4], guids[3], guids[2]], FeedAssert.ValidRss(rss, $"{FeedServiceApp.BaseUrl}/feeds/many.rss"));
        var atom = await app.WaitForFeedAsync("many.atom", x => x.Contains(guids[4], StringComparison.Ordinal));
        Assert.Equal([guids[4], guids[3], guids[2]], FeedAssert.ValidAtom(atom, $"{FeedServiceApp.BaseUrl}/feeds/many.atom"));
        Assert.Contains("<lastBuildDate>Thu, 05 Jan 2026 00:00:00 +0000</lastBuildDate>".Replace("Thu", "Mon", StringComparison.Ordinal), rss, StringComparison.Ordinal);
        Assert.Contains("<updated>2026-01-05T00:00:00Z</updated>", atom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_feeds_are_valid_and_list_the_seed_posts_newest_first()
    {
        await using var app = new FeedServiceApp(seedDemo: true);
        var rss = await app.WaitForFeedAsync("hm-probation-inspectorate.rss", x => x.Contains("<item>", StringComparison.Ordinal));
        var atom = await app.WaitForFeedAsync("hm-probation-inspectorate.atom", x => x.Contains("<entry>", StringComparison.Ordinal));
        Assert.Equal(9, FeedAssert.ValidRss(rss, $"{FeedServiceApp.BaseUrl}/feeds/hm-probation-inspectorate.rss").Count);
        Assert.Equal(9, FeedAssert.ValidAtom(atom, $"{FeedServiceApp.BaseUrl}/feeds/hm-probation-inspectorate.atom").Count);
        Assert.True(rss.IndexOf("North London Probation Services", StringComparison.Ordinal) < rss.IndexOf("Offenders with learning disabilities", StringComparison.Ordinal));
        Assert.Contains("Unpaid work", rss, StringComparison.Ordinal);
        Assert.DoesNotContain("Continue Reading", rss, StringComparison.Ordinal);
        FeedAssert.ValidRss(await app.WaitForFeedAsync("all.rss", _ => true), $"{FeedServiceApp.BaseUrl}/feeds/all.rss");
        FeedAssert.ValidAtom(await app.WaitForFeedAsync("all.atom", _ => true), $"{FeedServiceApp.BaseUrl}/feeds/all.atom");
    }

    private sealed record PageJson(long Total);
}

public sealed class CoalescingTests
{
    [Fact]
    public async Task A_burst_of_writes_costs_a_few_regenerations_not_one_each()
    {
        await using var app = new FeedServiceApp();
        await app.CreateCategoryAsync("burst");
        await app.WaitForFeedAsync("burst.rss", _ => true);
        var status = (FeedService.Publishing.RegenerationStatus)app.Services.GetService(typeof(FeedService.Publishing.RegenerationStatus))!;
        var runsBefore = status.Runs;
        const int writes = 40;
        var posts = await Task.WhenAll(Enumerable.Range(0, writes).Select(i =>
            app.CreatePostAsync(new { title = $"Burst {i}", content = "<p>x</p>", categories = new[] { "burst" } })));
        await app.WaitForFeedAsync("burst.rss", x => posts.All(p => x.Contains(p.Guid, StringComparison.Ordinal)));
        var runs = status.Runs - runsBefore;
        Assert.True(runs < writes / 2, $"{runs} regenerations for {writes} writes");
    }
}
