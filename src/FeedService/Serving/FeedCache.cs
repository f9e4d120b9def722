using System.Collections.Concurrent;
using System.Security.Cryptography;
using FeedService.Publishing;
using Microsoft.Net.Http.Headers;

namespace FeedService.Serving;

/// <summary>One representation of a feed document: its bytes and strong ETag.</summary>
public sealed record FeedVariant(byte[] Body, EntityTagHeaderValue ETag, string? ContentEncoding);

/// <summary>A feed document as served: identity, gzip and brotli variants, and when it last changed on disk.</summary>
/// <remarks>Immutable: an archive page that a newer page follows, whose items can no longer change.</remarks>
public sealed record ServedFeed(string ContentType, DateTimeOffset LastModified, FeedVariant Identity, FeedVariant? Gzip, FeedVariant? Brotli, bool Immutable = false);

/// <summary>
/// Feed files held in memory so a request costs no disk I/O. An entry is dropped whenever the
/// regeneration job replaces its file, and read again on the next request.
/// </summary>
public sealed class FeedCache
{
    private readonly ConcurrentDictionary<string, ServedFeed> _entries = new(StringComparer.Ordinal);
    private readonly FeedFiles _files;
    private int _generation;

    public FeedCache(FeedFiles files)
    {
        _files = files;
        files.Changed += name =>
        {
            Interlocked.Increment(ref _generation);
            _entries.TryRemove(name, out _);
        };
    }

    /// <summary>
    /// The document at <paramref name="fileName"/> (already validated, relative to feeds/), or null when there is none.
    /// For an archive page, <paramref name="nextPage"/> names the page after it: when that exists, this one is immutable.
    /// </summary>
    public ServedFeed? Get(string fileName, string contentType, string? nextPage = null)
    {
        if (_entries.TryGetValue(fileName, out var cached)) return cached;
        var generation = Volatile.Read(ref _generation);
        var loaded = Load(fileName, contentType);
        if (loaded is not null && nextPage is not null && File.Exists(_files.PathOf(nextPage))) loaded = loaded with { Immutable = true };
        // Missing files are not remembered (random names must not grow the cache), and a load that raced
        // with a rewrite is not kept (it may hold the old bytes).
        if (loaded is not null && generation == Volatile.Read(ref _generation)) _entries.TryAdd(fileName, loaded);
        return loaded;
    }

    private ServedFeed? Load(string fileName, string contentType)
    {
        var path = _files.PathOf(fileName);
        try
        {
            var lastModified = new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
            var body = File.ReadAllBytes(path);
            // The tag is derived from the document's bytes; each encoding gets its own suffix, because a strong
            // ETag names one exact representation.
            var tag = Convert.ToBase64String(SHA256.HashData(body), 0, 18).Replace('+', '-').Replace('/', '_');
            return new ServedFeed(
                contentType,
                // HTTP dates have whole seconds; truncating keeps If-Modified-Since comparisons exact.
                lastModified.AddTicks(-(lastModified.Ticks % TimeSpan.TicksPerSecond)),
                new FeedVariant(body, new EntityTagHeaderValue($"\"{tag}\""), null),
                Variant(path + ".gz", $"\"{tag}-gz\"", "gzip"),
                Variant(path + ".br", $"\"{tag}-br\"", "br"));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static FeedVariant? Variant(string path, string etag, string encoding) =>
        File.Exists(path) ? new FeedVariant(File.ReadAllBytes(path), new EntityTagHeaderValue(etag), encoding) : null;
}
