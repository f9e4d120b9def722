using System.Text.Json;

namespace FeedService.Tests.Aggregation.Parsing.Corpus;

/// <summary>One feed file of gofeed's test data and, when gofeed recorded one, the items it read from it.</summary>
public sealed record CorpusFeed(string RelativePath, string FullPath, IReadOnlyList<ExpectedItem>? ExpectedItems);

/// <summary>The fields compared with our reading: gofeed's item title, link and id (rss guid, atom id, json id).</summary>
public sealed record ExpectedItem(string? Title, string? Link, string? Id);

/// <summary>
/// Finds gofeed's test data (shared/corpora/gofeed, see its ORIGIN.md) and reads the expected JSON in its several shapes:
/// parser/rss (items, guid.value), parser/atom (entries, links[].rel/href, id), parser/json (JSON Feed items: url, id)
/// and the translator/extensions "universal" items (link, guid).
/// </summary>
public static class GofeedCorpus
{
    public const string EnvironmentVariable = "FEEDSERVICE_CORPUS";

    /// <summary>FEEDSERVICE_CORPUS, else shared/corpora/gofeed in the nearest folder up from the test binaries (CI puts shared/ beside the clone).</summary>
    public static string? Locate()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
            return Directory.Exists(configured) ? configured : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "corpora", "gofeed");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static IReadOnlyList<CorpusFeed> Load(string root)
    {
        var feeds = new List<CorpusFeed>();
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (!relative.StartsWith("testdata/", StringComparison.Ordinal) || !IsFeedFile(path)) continue;
            feeds.Add(new CorpusFeed(relative, path, ExpectedFor(path, relative)));
        }
        return feeds;
    }

    /// <summary>.xml files are feeds; a .json file is a feed unless it is gofeed's expected output for a feed beside it.</summary>
    private static bool IsFeedFile(string path)
    {
        var extension = Path.GetExtension(path);
        if (extension == ".xml") return true;
        if (extension != ".json") return false;
        var stem = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path));
        if (stem.EndsWith("_expected", StringComparison.Ordinal)) return false;
        return !File.Exists(stem + ".xml");
    }

    private static string? ExpectedPath(string feedPath)
    {
        var stem = Path.Combine(Path.GetDirectoryName(feedPath)!, Path.GetFileNameWithoutExtension(feedPath));
        var candidate = Path.GetExtension(feedPath) == ".xml" ? stem + ".json" : stem + "_expected.json";
        return File.Exists(candidate) ? candidate : null;
    }

    private static List<ExpectedItem>? ExpectedFor(string feedPath, string relative)
    {
        if (ExpectedPath(feedPath) is not { } expectedPath) return null;
        using var document = JsonDocument.Parse(File.ReadAllText(expectedPath));
        var root = document.RootElement;
        if (relative.StartsWith("testdata/parser/atom/", StringComparison.Ordinal))
            return Items(root, "entries", e => new ExpectedItem(String(e, "title"), AtomAlternate(e), String(e, "id")));
        if (relative.StartsWith("testdata/parser/rss/", StringComparison.Ordinal))
            return Items(root, "items", e => new ExpectedItem(String(e, "title"), String(e, "link"),
                e.TryGetProperty("guid", out var guid) && guid.ValueKind == JsonValueKind.Object ? String(guid, "value") : null));
        if (relative.StartsWith("testdata/parser/json/", StringComparison.Ordinal))
            return Items(root, "items", e => new ExpectedItem(String(e, "title"), String(e, "url"), String(e, "id")));
        return Items(root, "items", e => new ExpectedItem(String(e, "title"), String(e, "link"), String(e, "guid")));
    }

    private static List<ExpectedItem>? Items(JsonElement root, string name, Func<JsonElement, ExpectedItem> read) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array
            ? [.. items.EnumerateArray().Select(read)]
            : null;

    /// <summary>gofeed's atom translator takes the first link whose rel is "alternate" (its parser defaults a missing rel to it).</summary>
    private static string? AtomAlternate(JsonElement entry)
    {
        if (!entry.TryGetProperty("links", out var links) || links.ValueKind != JsonValueKind.Array) return null;
        foreach (var link in links.EnumerateArray())
            if ((String(link, "rel") ?? "alternate") == "alternate") return String(link, "href");
        return null;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
