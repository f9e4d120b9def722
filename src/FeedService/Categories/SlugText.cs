using System.Text;

namespace FeedService.Categories;

public static class SlugText
{
    // The app runs with invariant globalization (no ICU normalization), so common Latin accents are folded by table.
    private const string Accented = "ÀÁÂÃÄÅàáâãäåÇçČčĆćÈÉÊËèéêëĚěĘęÌÍÎÏìíîïÑñŃńŇňÒÓÔÕÖØòóôõöøŘřŠšŚśÙÚÛÜùúûüŮůÝýÿŽžŹźŻżŁł";
    private const string Plain = "AAAAAAaaaaaaCcCcCcEEEEeeeeEeEeIIIIiiiiNnNnNnOOOOOOooooooRrSsSsUUUUuuuuUuYyyZzZzZzLl";

    /// <summary>A slug for a human name ("Health & Care" → "health-care", "Économie" → "economie"); null when nothing usable is left.</summary>
    public static string? From(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var sb = new StringBuilder();
        foreach (var ch in text)
        {
            var folded = Fold(ch);
            foreach (var c in folded)
            {
                var lower = char.ToLowerInvariant(c);
                if (lower is (>= 'a' and <= 'z') or (>= '0' and <= '9')) sb.Append(lower);
                else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
            }
        }
        var slug = sb.ToString().Trim('-');
        if (slug.Length > Slugs.MaxLength) slug = slug[..Slugs.MaxLength].TrimEnd('-');
        return Slugs.IsValid(slug) && slug != Slugs.All ? slug : null;
    }

    private static string Fold(char ch) => ch switch
    {
        'ß' => "ss",
        'Æ' or 'æ' => "ae",
        'Œ' or 'œ' => "oe",
        _ => Accented.IndexOf(ch, StringComparison.Ordinal) is var i and >= 0 ? Plain[i].ToString() : ch.ToString(),
    };
}
