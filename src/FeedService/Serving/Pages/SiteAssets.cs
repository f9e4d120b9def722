using System.Text;

namespace FeedService.Serving.Pages;

/// <summary>The files under /assets that every page links to.</summary>
public static class SiteAssets
{
    /// <summary>The pages' icon (the feed symbol), so browsers do not ask for a /favicon.ico that is not there.</summary>
    public static readonly SiteAsset Icon = new("assets/icon.svg", "image/svg+xml", Encoding.UTF8.GetBytes("""
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#e8710a"/><circle cx="4.5" cy="11.5" r="1.6" fill="#fff"/><path d="M3 7a6 6 0 0 1 6 6h-2a4 4 0 0 0-4-4zm0-4a10 10 0 0 1 10 10h-2a8 8 0 0 0-8-8z" fill="#fff"/></svg>

        """));

    /// <summary>The one stylesheet of the pages: small, system fonts, one readable column that fits a phone, light and dark.</summary>
    public static readonly SiteAsset Stylesheet = new("assets/site.css", "text/css; charset=utf-8", Encoding.UTF8.GetBytes("""
        :root {
          color-scheme: light dark;
          --text: #1d1d1f; --muted: #5f6368; --background: #fdfdfc; --accent: #0b57d0; --rule: #dadce0; --panel: #f3f4f6;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif;
          line-height: 1.6;
          -webkit-text-size-adjust: 100%;
          text-size-adjust: 100%;
        }
        @media (prefers-color-scheme: dark) {
          :root { --text: #e8eaed; --muted: #a8adb4; --background: #17181a; --accent: #8ab4f8; --rule: #3c4043; --panel: #222427; }
        }
        * { box-sizing: border-box; }
        html { background: var(--background); color: var(--text); }
        body { margin: 0 auto; max-width: 46rem; padding: 0 1.25rem; font-size: 1.0625rem; overflow-wrap: break-word; }
        a { color: var(--accent); text-underline-offset: 0.15em; }
        a:hover, a:focus-visible { text-decoration-thickness: 2px; }
        h1, h2, h3 { line-height: 1.25; }
        h1 { font-size: 1.9rem; margin: 1.5rem 0 0.5rem; }
        h2 { font-size: 1.35rem; margin: 0 0 0.25rem; }
        img, video, audio, iframe { max-width: 100%; height: auto; }
        pre { overflow-x: auto; padding: 0.75rem; background: var(--panel); border-radius: 4px; }
        blockquote { margin: 1rem 0; padding-left: 1rem; border-left: 3px solid var(--rule); color: var(--muted); }
        table { border-collapse: collapse; display: block; overflow-x: auto; }
        td, th { border: 1px solid var(--rule); padding: 0.25rem 0.5rem; }
        .site-header { padding: 1rem 0; border-bottom: 1px solid var(--rule); }
        .site-title { font-weight: 700; font-size: 1.15rem; text-decoration: none; color: var(--text); }
        .site-footer { margin: 3rem 0 2rem; padding-top: 1rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.9rem; }
        .lead { color: var(--muted); margin-top: 0; }
        .meta { color: var(--muted); font-size: 0.9rem; margin: 0 0 0.5rem; }
        .feeds a + a::before { content: "·"; display: inline-block; margin: 0 0.4em; color: var(--muted); }
        .feeds a { white-space: nowrap; }
        .subscribe { font-size: 0.95rem; }
        .categories { list-style: none; padding: 0; }
        .categories li { padding: 1rem 0; border-bottom: 1px solid var(--rule); }
        .categories h2 { display: inline; margin-right: 0.5rem; }
        .count { color: var(--muted); font-size: 0.9rem; white-space: nowrap; }
        .categories p { margin: 0.25rem 0 0; }
        .post-summary { padding: 1.25rem 0; border-top: 1px solid var(--rule); }
        .post-summary h2 a { color: var(--text); text-decoration: none; }
        .post-summary h2 a:hover, .post-summary h2 a:focus-visible { color: var(--accent); text-decoration: underline; }
        .excerpt { margin: 0.25rem 0 0; }
        .more { white-space: nowrap; font-weight: 600; }
        .pagination { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.75rem; margin: 1.5rem 0; }
        .pagination .position { color: var(--muted); }
        .post .content { margin-top: 1.5rem; }
        .original { margin: 1.5rem 0; padding: 0.75rem 1rem; background: var(--panel); border-radius: 6px; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
        @media (max-width: 30rem) {
          body { font-size: 1rem; padding: 0 1rem; }
          h1 { font-size: 1.55rem; }
          h2 { font-size: 1.2rem; }
        }

        """));
}
