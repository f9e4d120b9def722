namespace FeedService.Aggregation.Fetching;

/// <summary>Reads a response body into memory, stopping as soon as it passes the cap.</summary>
internal static class BoundedBody
{
    /// <summary>The decompressed body, or null as soon as more than <paramref name="maxBytes"/> have arrived.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, long maxBytes, CancellationToken ct)
    {
        // A declared length over the cap is refused before reading a byte. With Content-Encoding the decompressing
        // handler drops Content-Length, so this never judges the compressed size; the counting below does the rest.
        if (content.Headers.ContentLength > maxBytes) return null;

        await using var stream = await content.ReadAsStreamAsync(ct);
        using var body = new MemoryStream();
        var buffer = new byte[81920];
        // Bounded: every pass adds at least one byte towards the cap, and the caller's token carries the time limit.
        while (true)
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0) return body.ToArray();
            if (body.Length + read > maxBytes) return null;
            body.Write(buffer, 0, read);
        }
    }
}
