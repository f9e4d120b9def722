using System.Text;

namespace FeedService.Serving.Pages;

/// <summary>
/// The XSLT that RSS and Atom documents name in an xml-stylesheet instruction, so a person who opens a feed in a
/// browser sees a readable page that says what a feed is and how to subscribe, instead of raw XML. Feed readers
/// ignore the instruction. Item HTML is not copied in (that would need disable-output-escaping, which not every
/// browser honours, and would bypass the page CSP): titles, dates and links are enough to see what is in the feed.
/// </summary>
public static class FeedStylesheet
{
    public const string Path = "/assets/feed.xsl";

    public static readonly byte[] Bytes = Encoding.UTF8.GetBytes("""
        <?xml version="1.0" encoding="utf-8"?>
        <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom">
          <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
          <xsl:template match="/">
            <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
            <html lang="en">
              <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title><xsl:value-of select="$title"/> (feed)</title>
                <link rel="stylesheet" href="/assets/site.css"/>
              </head>
              <body>
                <header class="site-header"><span class="site-title">Feed preview</span></header>
                <main>
                  <h1><xsl:value-of select="$title"/></h1>
                  <p class="lead"><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
                  <p class="original">This is a web feed. To follow it, copy this page's address into a feed reader
                    (NetNewsWire, Feedly, Thunderbird, newsboat…). The items below are its newest entries.
                    <xsl:if test="rss/channel/link | atom:feed/atom:link[@rel='alternate']">
                      <br/><a href="{rss/channel/link | atom:feed/atom:link[@rel='alternate']/@href}">Visit the website</a>
                    </xsl:if>
                  </p>
                  <xsl:for-each select="rss/channel/item | atom:feed/atom:entry">
                    <article class="post-summary">
                      <h2><a href="{link | atom:link[@rel='alternate']/@href}"><xsl:value-of select="title | atom:title"/></a></h2>
                      <p class="meta"><xsl:value-of select="pubDate | atom:published"/></p>
                    </article>
                  </xsl:for-each>
                </main>
              </body>
            </html>
          </xsl:template>
        </xsl:stylesheet>

        """);
}
