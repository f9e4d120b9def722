using System.Text;
using FeedService.Site;

namespace FeedService.Serving.Pages;

/// <summary>The pages' icon (the feed symbol), so browsers do not ask for a /favicon.ico that is not there.</summary>
public static class SiteIcon
{
    public const string Path = "assets/icon.svg";

    public static readonly byte[] Bytes = Encoding.UTF8.GetBytes("""
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#e8710a"/><circle cx="4.5" cy="11.5" r="1.6" fill="#fff"/><path d="M3 7a6 6 0 0 1 6 6h-2a4 4 0 0 0-4-4zm0-4a10 10 0 0 1 10 10h-2a8 8 0 0 0-8-8z" fill="#fff"/></svg>

        """);

    public static readonly string Tag = CachedBody.TagOf(Bytes);

    public static string Url(SiteOptions site) => site.Url($"{Path}?v={Tag[..12]}");
}
