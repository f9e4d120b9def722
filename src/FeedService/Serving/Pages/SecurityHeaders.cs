namespace FeedService.Serving.Pages;

/// <summary>The response headers that keep our HTML, scripts and documents from being misused.</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Pages run no script at all; post HTML embeds images (and media) from anywhere on https, and raster data:
    /// images that the sanitizer lets through. Nobody may frame a page (clickjacking).
    /// </summary>
    public const string PagePolicy =
        "default-src 'self'; img-src 'self' https: data:; media-src 'self' https:; script-src 'none'; object-src 'none'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// For a document that other sites put in an &lt;iframe&gt;: any site may frame it, it runs nothing and loads
    /// nothing, and its one inline style block is allowed by its hash.
    /// </summary>
    public static string FramablePolicy(string styleHash) =>
        $"default-src 'none'; style-src '{styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors *";

    public static void ForPage(HttpResponse response)
    {
        Common(response);
        response.Headers.ContentSecurityPolicy = PagePolicy;
        // For browsers that predate frame-ancestors.
        response.Headers.XFrameOptions = "DENY";
    }

    /// <summary>No X-Frame-Options here: it would forbid what frame-ancestors * allows.</summary>
    public static void ForFramable(HttpResponse response, string styleHash)
    {
        Common(response);
        response.Headers.ContentSecurityPolicy = FramablePolicy(styleHash);
        response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
    }

    /// <summary>A script or document other sites load: readable cross-origin, even from pages that demand CORP.</summary>
    public static void ForCrossOrigin(HttpResponse response)
    {
        Common(response);
        response.Headers.AccessControlAllowOrigin = "*";
        response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
    }

    public static void Common(HttpResponse response)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
    }
}
