using FeedService.Aggregation.Parsing;
using Xunit;
using Xunit.Abstractions;

namespace FeedService.Tests.Aggregation.Parsing.Corpus;

/// <summary>
/// Every feed of gofeed's test corpus is parsed; where gofeed recorded items, their count and each one's title, link and
/// id must match ours. Links are compared as absolute URLs (we resolve them; gofeed leaves them as written).
/// </summary>
public sealed class GofeedCorpusTests(ITestOutputHelper output)
{
    /// <summary>
    /// Files where our reading differs from gofeed's, each a difference we accept (by path under the corpus). The README
    /// claims every file with expected items matches, so there are none: a new difference, or one listed here that no
    /// longer differs, fails the test.
    /// </summary>
    private static readonly string[] KnownDifferences = [];

    [CorpusFact]
    public void Gofeed_corpus_items_match_on_count_title_link_and_id()
    {
        var root = GofeedCorpus.Locate()!;
        var feeds = GofeedCorpus.Load(root);
        Assert.True(feeds.Count > 500, $"expected 500+ feeds under {root}, found {feeds.Count}");

        var compared = 0;
        var failures = new List<(string Path, string Difference)>();
        var errors = new List<string>();
        var (withoutItems, readWithoutItems) = (0, 0);
        foreach (var feed in feeds)
        {
            var documentUrl = DocumentUrl(feed);
            var result = FeedParser.Parse(File.ReadAllBytes(feed.FullPath), null, documentUrl); // must never throw
            if (result.Error is not null) errors.Add($"{feed.RelativePath}: {result.Error}");
            if (feed.ExpectedItems is { Count: 0 })
            {
                withoutItems++;
                if (result.Feed is { Items.Count: 0 }) readWithoutItems++;
            }
            if (feed.ExpectedItems is not { Count: > 0 } expected) continue;
            compared++;
            if (CorpusComparison.FirstDifference(expected, result, documentUrl) is { } difference)
                failures.Add((feed.RelativePath, difference));
        }

        var passRate = (compared - failures.Count) / (double)compared;
        Report($"gofeed corpus: {feeds.Count} feeds parsed; {compared - failures.Count}/{compared} with expected items match on count, title, link and id ({passRate:P1})");
        foreach (var (path, difference) in failures) Report($"  differs: {path}: {difference}");
        Report($"(not scored: {readWithoutItems}/{withoutItems} feeds where gofeed found no items also read with none; {errors.Count} documents are not feeds:)");
        foreach (var error in errors) Report("  error: " + error);
        Assert.True(compared > 250, $"only {compared} corpus files have expected items");
        var unexpected = failures.Where(f => !KnownDifferences.Contains(f.Path)).Select(f => $"{f.Path}: {f.Difference}").ToList();
        Assert.True(unexpected.Count == 0, "differences from gofeed not in KnownDifferences:\n" + string.Join('\n', unexpected));
        var mended = KnownDifferences.Where(k => failures.All(f => f.Path != k)).ToList();
        Assert.True(mended.Count == 0, "listed in KnownDifferences but matching now (remove them): " + string.Join(", ", mended));
    }

    [CorpusFact]
    public void Syndication_and_tree_readers_agree_on_every_corpus_feed_both_can_read()
    {
        var root = GofeedCorpus.Locate()!;
        var both = 0;
        var disagreements = new List<string>();
        foreach (var feed in GofeedCorpus.Load(root))
        {
            var documentUrl = DocumentUrl(feed);
            if (FeedParser.ReadBothWays(File.ReadAllBytes(feed.FullPath), null, documentUrl) is not ({ } syndication, var tree)) continue;
            both++;
            if (CorpusComparison.FirstDifference(syndication, tree) is { } difference) disagreements.Add($"{feed.RelativePath}: {difference}");
        }
        Report($"System.ServiceModel.Syndication read {both} corpus feeds; the tree reader disagrees on {disagreements.Count}");
        foreach (var d in disagreements) Report("  " + d);
        Assert.True(both > 100, $"System.ServiceModel.Syndication read only {both} corpus feeds");
        Assert.Empty(disagreements);
    }

    private static Uri DocumentUrl(CorpusFeed feed) => new("https://corpus.example/" + feed.RelativePath);

    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
