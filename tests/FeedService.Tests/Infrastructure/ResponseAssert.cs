using System.Net;
using System.Net.Http.Headers;
using Xunit;

namespace FeedService.Tests.Infrastructure;

/// <summary>Checks on HTTP responses that several kinds of published documents (feeds, OPML, the widget script) share.</summary>
public static class ResponseAssert
{
    /// <summary>A 200 with <paramref name="mediaType"/> in UTF-8 that any origin may read (Access-Control-Allow-Origin: *).</summary>
    public static void OkForEveryOrigin(HttpResponseMessage response, string mediaType)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    /// <summary>
    /// <paramref name="response"/> (to a GET of <paramref name="path"/>) is public for five minutes under a strong ETag;
    /// a second GET gets the same ETag (same data, same bytes) and a GET with If-None-Match a 304 without a body.
    /// Returns the ETag.
    /// </summary>
    public static async Task<EntityTagHeaderValue> CachedUnderStrongETagAsync(HttpClient client, string path, HttpResponseMessage response)
    {
        Assert.True(response.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromSeconds(300), response.Headers.CacheControl.MaxAge);
        var etag = response.Headers.ETag!;
        Assert.False(etag.IsWeak);
        Assert.Equal(etag, (await client.GetAsync(path)).Headers.ETag);

        var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(etag);
        var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        return etag;
    }
}
