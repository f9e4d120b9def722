using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FeedService.Publishing;

/// <summary>
/// Sanitized HTML of the posts rendered lately, so a post is prepared once, not once per feed it is in (its categories
/// and "all") and again at every run that renders its page. Sanitizing is the most expensive step of a render (an HTML
/// parse and serialization per field), and <see cref="HtmlContent.Prepare"/> is a pure function of the HTML and the base
/// URL, so its result is kept under a 128-bit digest of both. Memory is bounded: two generations of at most
/// <see cref="GenerationChars"/> characters each; when the young one is full the old one is dropped.
/// </summary>
public sealed class PreparedHtmlCache(HtmlContent html)
{
    /// <summary>
    /// About 6 MB of text per generation (two live at most): the posts of the current documents of a few dozen feeds, which is
    /// what a run after a write renders again. Twice as much cost ~30 MB more peak memory in a start-up run over 500 feeds
    /// and saved nothing there (that run prepares every current post once anyway).
    /// </summary>
    private const long GenerationChars = 3_000_000;

    private readonly Lock _lock = new();
    private Dictionary<UInt128, string> _young = [];
    private Dictionary<UInt128, string> _old = [];
    private long _youngChars;

    public string Prepare(string? source, string baseUrl)
    {
        if (string.IsNullOrWhiteSpace(source)) return "";
        var key = Digest(source, baseUrl);
        lock (_lock)
        {
            if (_young.TryGetValue(key, out var hit)) return hit;
            if (_old.Remove(key, out hit))
            {
                Add(key, hit);
                return hit;
            }
        }
        var prepared = html.Prepare(source, baseUrl);
        lock (_lock) Add(key, prepared);
        return prepared;
    }

    private void Add(UInt128 key, string prepared)
    {
        if (!_young.TryAdd(key, prepared)) return;
        _youngChars += prepared.Length;
        if (_youngChars < GenerationChars) return;
        _old = _young;
        _young = [];
        _youngChars = 0;
    }

    private static UInt128 Digest(string source, string baseUrl)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(MemoryMarshal.AsBytes(baseUrl.AsSpan()));
        hash.AppendData([0, 0]);
        hash.AppendData(MemoryMarshal.AsBytes(source.AsSpan()));
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return MemoryMarshal.Read<UInt128>(digest);
    }
}
