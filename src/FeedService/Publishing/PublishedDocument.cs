namespace FeedService.Publishing;

/// <summary>
/// A current feed document as the regenerator rendered it ("tech.atom"): its bytes, their gzip and brotli encodings,
/// its strong ETag and when its bytes last changed. Immutable: a change is a new document.
/// </summary>
public sealed class PublishedDocument(string name, byte[] body, byte[] gzip, byte[] brotli, string etag, DateTimeOffset lastModified)
{
    public string Name { get; } = name;
    public byte[] Body { get; } = body;
    public byte[] Gzip { get; } = gzip;
    public byte[] Brotli { get; } = brotli;
    /// <summary>Strong and quoted, derived from <see cref="Body"/> alone: the same bytes have the same ETag on every node.</summary>
    public string ETag { get; } = etag;
    public DateTimeOffset LastModified { get; } = lastModified;

    /// <summary>"rss", "atom" or "json".</summary>
    public string Extension => Name[(Name.LastIndexOf('.') + 1)..];

    public string ContentType => MediaTypes.ServedAs(Extension);

    /// <summary>A new document from freshly rendered bytes: encoded and tagged here, once.</summary>
    public static PublishedDocument Encode(string name, ReadOnlySpan<byte> body, DateTimeOffset now) =>
        new(name, body.ToArray(), FeedEncodings.Gzip(body), FeedEncodings.Brotli(body), FeedEncodings.ETagOf(body), now);
}

/// <summary>A document that changed: its new version, or null when it was removed (its category deleted).</summary>
public sealed record DocumentChange(string Name, PublishedDocument? Document);

/// <summary>
/// Told by the <see cref="DocumentStore"/> when current documents changed, after the new ones are stored and current:
/// rendered by this node's regenerator, or published by another node and loaded here. Implementations must return at
/// once and do any slow work (pushes, disk writes) in the background.
/// </summary>
public interface IDocumentListener
{
    /// <param name="changes">The documents that changed, in the order they were published.</param>
    /// <param name="renderedHere">True when this node rendered them; false when another node did (pushes are its job).</param>
    void DocumentsChanged(IReadOnlyList<DocumentChange> changes, bool renderedHere);
}
