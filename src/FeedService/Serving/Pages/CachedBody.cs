using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace FeedService.Serving.Pages;

/// <summary>
/// Serves rendered bytes the way feeds are served: a strong ETag derived from the bytes (so the same data always
/// gets the same tag), 304 for a matching If-None-Match (compared weakly, RFC 9110), brotli or gzip when the client
/// takes them (each encoding with its own tag), and the caller's Cache-Control.
/// </summary>
public static class CachedBody
{
    /// <summary>Below this, compressing costs more than it saves.</summary>
    private const int CompressAbove = 1024;

    public static IResult Result(HttpContext context, byte[] body, string contentType, string cacheControl)
    {
        var tag = TagOf(body);
        var response = context.Response;
        response.Headers.CacheControl = cacheControl;
        if (body.Length > CompressAbove) response.Headers.Vary = HeaderNames.AcceptEncoding;
        var encoding = body.Length > CompressAbove ? ChooseEncoding(context.Request) : null;
        if (encoding is not null)
        {
            response.Headers.ContentEncoding = encoding;
            var suffix = encoding == "br" ? "-br" : "-gz";
            var etag = new EntityTagHeaderValue($"\"{tag}{suffix}\"");
            // A client that already has this representation needs no compressing at all.
            var compressed = Matches(context.Request, etag) ? [] : Compress(body, encoding);
            return TypedResults.Bytes(compressed, contentType, entityTag: etag);
        }
        return TypedResults.Bytes(body, contentType, entityTag: new EntityTagHeaderValue($"\"{tag}\""));
    }

    /// <summary>A strong validator for <paramref name="body"/>: 24 URL-safe characters of its SHA-256.</summary>
    public static string TagOf(byte[] body) =>
        Convert.ToBase64String(SHA256.HashData(body), 0, 18).Replace('+', '-').Replace('/', '_');

    private static bool Matches(HttpRequest request, EntityTagHeaderValue etag) =>
        request.GetTypedHeaders().IfNoneMatch.Any(candidate => candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(etag, useStrongComparison: false));

    /// <summary>Brotli, then gzip, as far as Accept-Encoding allows (q=0 refuses).</summary>
    private static string? ChooseEncoding(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        if (accepted.Count == 0) return null;
        double Quality(string coding)
        {
            var chosen = accepted.FirstOrDefault(a => a.Value.Equals(coding, StringComparison.OrdinalIgnoreCase))
                ?? accepted.FirstOrDefault(a => a.Value == "*");
            return chosen is null ? 0 : chosen.Quality ?? 1;
        }
        var (br, gzip) = (Quality("br"), Quality("gzip"));
        if (br > 0 && br >= gzip) return "br";
        return gzip > 0 ? "gzip" : null;
    }

    private static byte[] Compress(byte[] body, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream stream = encoding == "br" ? new BrotliStream(output, CompressionLevel.Fastest) : new GZipStream(output, CompressionLevel.Fastest))
        {
            stream.Write(body);
        }
        return output.ToArray();
    }
}
