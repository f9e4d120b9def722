using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FeedService.Site;

namespace FeedService.Serving.Embed;

/// <summary>
/// /embed/{slug}.js : a dependency-free script that renders the latest posts where its &lt;script&gt; tag stands,
/// inside a shadow root. The posts travel inside the script as a JSON literal, so there is no second request
/// (and no CORS or CSP connect-src for the host page to allow).
/// </summary>
public static class WidgetScript
{
    public const string ContentType = "text/javascript; charset=utf-8";
    private const string DataPlaceholder = "/*FEED*/null";

    /// <summary>
    /// The default encoder escapes &lt; &gt; &amp; ' + and every non-ASCII character (U+2028 and U+2029 among them) as \uXXXX:
    /// the literal can never end a script element or a string early, whatever the titles say.
    /// </summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Default };

    public static byte[] Render(SiteOptions site, WidgetFeed feed)
    {
        var data = new
        {
            feed.Slug, feed.Title, feed.Home,
            // How the script finds its own tag when document.currentScript is unavailable.
            Path = $"/embed/{feed.Slug}.js",
            feed.Items,
        };
        // A comment naming the slug ([a-z0-9-]) and the URL only: the free-text title travels in the JSON.
        var header = $"/*! FeedService widget for \"{feed.Slug}\": {site.Url($"embed/{feed.Slug}.js").Replace("*/", "%2A/", StringComparison.Ordinal)} */\n";
        return Encoding.UTF8.GetBytes(header + Template.Replace(DataPlaceholder, JsonSerializer.Serialize(data, Json), StringComparison.Ordinal));
    }

    private const string Template = """
        (function (document) {
          "use strict";
          // document.currentScript is set only while this script first runs, async or not: take it now.
          var script = document.currentScript;
          var feed = /*FEED*/null;
          var DONE = "data-feedservice-rendered";

          if (!script) {
            // Inserted in a way that hides currentScript: the first of our tags not rendered yet.
            var tags = document.getElementsByTagName("script");
            for (var i = 0; i < tags.length && !script; i++) {
              var src = (tags[i].src || "").split(/[?#]/)[0];
              if (!tags[i].hasAttribute(DONE) && src.slice(-feed.path.length) === feed.path) script = tags[i];
            }
          }
          if (!script || !script.parentNode || script.hasAttribute(DONE)) return;
          script.setAttribute(DONE, "");

          var count = parseInt(script.getAttribute("data-count") || "", 10);
          count = isNaN(count) ? 5 : Math.min(50, Math.max(1, count));
          var withExcerpt = /^\s*(true|1|yes)\s*$/i.test(script.getAttribute("data-excerpt") || "");

          var css = [
            ":host { all: initial !important; display: block !important; visibility: visible !important; opacity: 1 !important; }",
            ".widget { display: block; box-sizing: border-box; margin: 0; padding: 4px 16px; border: 1px solid #dadce0; border-radius: 8px;",
            "  background: #ffffff; color: #1d1d1f; font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif;",
            "  text-align: left; direction: ltr; }",
            "ul { display: block; list-style: none; margin: 0; padding: 0; }",
            "li { display: block; margin: 0; padding: 10px 0; border-top: 1px solid #eceff1; }",
            "li:first-child { border-top: 0; }",
            "a { color: #0b57d0; text-decoration: none; }",
            "a:hover, a:focus-visible { text-decoration: underline; }",
            ".title { display: inline; font-weight: 600; overflow-wrap: anywhere; }",
            "time { display: block; color: #5f6368; font-size: 13px; }",
            ".excerpt { display: block; margin: 4px 0 0; color: #3c4043; font-size: 14px; }",
            ".more, .empty { display: block; margin: 0; padding: 8px 0 10px; border-top: 1px solid #eceff1; font-size: 13px; color: #5f6368; }"
          ].join("\n");

          function element(name, className, text) {
            var e = document.createElement(name);
            if (className) e.className = className;
            if (text) e.textContent = text;
            return e;
          }
          function link(url, className, text) {
            var a = element("a", className, text);
            if (/^https?:\/\//i.test(url)) a.href = url;
            return a;
          }

          var host = document.createElement("div");
          host.setAttribute("data-feedservice-widget", feed.slug);
          // Beats a host page's "* { display: none !important }" on the host element itself.
          host.style.setProperty("display", "block", "important");
          var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
          // A constructed stylesheet is not an inline <style>, so a host page's CSP without 'unsafe-inline' still allows it.
          var styled = false;
          if (root !== host && "adoptedStyleSheets" in root) {
            try {
              var sheet = new CSSStyleSheet();
              sheet.replaceSync(css);
              root.adoptedStyleSheets = [sheet];
              styled = true;
            } catch (e) { /* an older browser: the <style> below */ }
          }
          if (!styled) root.appendChild(element("style", null, css));

          var box = element("div", "widget");
          var items = feed.items.slice(0, count);
          if (items.length === 0) box.appendChild(element("p", "empty", "No posts yet."));
          else {
            var list = element("ul");
            for (var j = 0; j < items.length; j++) {
              var item = items[j], li = element("li");
              li.appendChild(link(item.url, "title", item.title));
              var time = element("time", null, item.date);
              time.dateTime = item.published;
              li.appendChild(time);
              if (withExcerpt && item.excerpt) li.appendChild(element("p", "excerpt", item.excerpt));
              list.appendChild(li);
            }
            box.appendChild(list);
          }
          var more = element("p", "more");
          more.appendChild(link(feed.home, null, "More from " + feed.title));
          box.appendChild(more);
          root.appendChild(box);
          script.parentNode.insertBefore(host, script.nextSibling);
        })(document);

        """;
}
