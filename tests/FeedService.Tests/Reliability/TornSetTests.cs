using System.IO.Compression;
using FeedService.Tests.Infrastructure;
using Xunit;

namespace FeedService.Tests.Reliability;

/// <summary>
/// A process killed between a set's compressed copies and its document (copies first, document last) leaves copies
/// newer than the document. The next start must write the set again even when the document's bytes are current
/// (found by tests/reliability/crash.sh: a .gz that did not decode to its document after the restart's regeneration).
/// feeds/ compares every file of a set with the stored document when it catches up at start-up.
/// </summary>
public sealed class TornSetTests
{
    [Fact]
    public async Task Copies_newer_than_their_document_are_rewritten_by_the_next_start()
    {
        var folder = await PublishedFolderAsync();
        var document = Path.Combine(folder, "feeds", "tech.rss");
        var bytes = await File.ReadAllBytesAsync(document);
        var unchanged = File.GetLastWriteTimeUtc(document);
        // As a crash leaves it: the copies hold other (newer) bytes and were written after the document.
        await File.WriteAllBytesAsync(document + ".gz", Gzip("<rss>newer bytes the document never got</rss>"u8.ToArray()));
        File.SetLastWriteTimeUtc(document + ".gz", unchanged.AddSeconds(2));

        await StartAgainAsync(folder);

        Assert.Equal(bytes, await File.ReadAllBytesAsync(document));
        Assert.Equal(bytes, Gunzip(await File.ReadAllBytesAsync(document + ".gz")));
        Assert.True(File.GetLastWriteTimeUtc(document + ".gz") <= File.GetLastWriteTimeUtc(document));
    }

    [Fact]
    public async Task A_complete_set_is_left_alone_by_the_next_start()
    {
        var folder = await PublishedFolderAsync();
        var document = Path.Combine(folder, "feeds", "tech.rss");
        var times = WriteTimes(document);

        await StartAgainAsync(folder);

        Assert.Equal(times, WriteTimes(document));
    }

    /// <summary>Runs an app until tech.rss holds a post and feeds/ has caught up, stops it, and returns its folder.</summary>
    private static async Task<string> PublishedFolderAsync()
    {
        await using var first = new FeedServiceApp();
        await first.CreateCategoryAsync("tech");
        await first.CreatePostAsync(new { title = "One", content = "<p>1</p>", categories = new[] { "tech" } });
        await first.WaitForFeedAsync("tech.rss", x => x.Contains("One", StringComparison.Ordinal));
        await first.WaitForFeedFolderAsync();
        return first.Folder;
    }

    /// <summary>Starts an app over <paramref name="folder"/> again, regenerates, and stops it once feeds/ has caught up.</summary>
    private static async Task StartAgainAsync(string folder)
    {
        await using var second = new FeedServiceApp(folder);
        _ = second.CreateClient();
        await second.RegenerateAsync();
        await second.WaitForFeedFolderAsync();
    }

    /// <summary>When the document and its .gz and .br copies were last written, in that order.</summary>
    private static List<DateTime> WriteTimes(string document) =>
        [.. new[] { "", ".gz", ".br" }.Select(suffix => File.GetLastWriteTimeUtc(document + suffix))];

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] bytes)
    {
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
