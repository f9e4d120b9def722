using System.Text.RegularExpressions;

namespace FeedService.Categories;

public static partial class Slugs
{
    /// <summary>The feed of every category together.</summary>
    public const string All = "all";

    public const int MaxLength = 64;

    /// <summary>Lower-case letters, digits and single inner hyphens: safe as a file name on every system.</summary>
    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? slug) => slug is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(slug);
}
