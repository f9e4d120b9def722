using System.Text.RegularExpressions;
using FeedService.Categories;

namespace FeedService.Publishing;

/// <summary>How current feed documents are named: "{slug}.{rss|atom|json}", the slug a category's or "all".</summary>
public static partial class DocumentNames
{
    public static readonly string[] Extensions = ["rss", "atom", "json"];

    [GeneratedRegex("^([a-z0-9]+(?:-[a-z0-9]+)*)\\.(rss|atom|json)$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrentName();

    /// <summary>The feed's three documents, in the order of <see cref="Extensions"/>.</summary>
    public static string[] Names(string slug) => [$"{slug}.rss", $"{slug}.atom", $"{slug}.json"];

    public static string SlugOf(string name) => name[..name.LastIndexOf('.')];

    /// <summary>
    /// Whether <paramref name="name"/> can name a current document. Only such names ever reach a lookup or the file system;
    /// the slug is no longer than a category's can be.
    /// </summary>
    public static bool IsCurrent(string name) => CurrentName().IsMatch(name) && name.LastIndexOf('.') <= Slugs.MaxLength;
}
