namespace FeedService.Aggregation.Parsing;

/// <summary>Turns URL text from a feed into an absolute URL, or rejects it. Never throws.</summary>
internal static class FeedUrls
{
    // Only schemes a reader can follow; javascript:, data:, file: and the like are dropped.
    private static readonly HashSet<string> AllowedSchemes = new(StringComparer.OrdinalIgnoreCase) { "http", "https", "ftp", "magnet" };

    public static bool TryResolve(string? raw, Uri baseUri, out Uri resolved)
    {
        resolved = baseUri;
        var text = Clean(raw);
        if (text.Length == 0) return false;
        Uri? candidate;
        try
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out candidate) || candidate.IsFile || IsUnixPathMistakenForFile(text))
                candidate = Uri.TryCreate(baseUri, text, out var relative) ? relative : null;
        }
        catch (UriFormatException)
        {
            candidate = null;
        }
        if (candidate is null || !candidate.IsAbsoluteUri || !AllowedSchemes.Contains(candidate.Scheme)) return false;
        if (candidate.Scheme.StartsWith("http", StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(candidate.Host)) return false;
        resolved = candidate;
        return true;
    }

    /// <summary>The absolute form as a string, or null (and a problem) when the text is present but not a usable URL.</summary>
    public static string? Resolve(string? raw, Uri baseUri, Action<string> report, string what)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (TryResolve(raw, baseUri, out var resolved)) return resolved.AbsoluteUri;
        report($"bad {what} {ProblemLog.Quote(raw)} dropped");
        return null;
    }

    /// <summary>WHATWG URL parsing strips surrounding whitespace and ignores tabs and newlines anywhere in the URL.</summary>
    private static string Clean(string? raw)
    {
        if (raw is null) return "";
        var text = raw.Trim();
        return text.AsSpan().IndexOfAny('\t', '\n', '\r') < 0 ? text : text.Replace("\t", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);
    }

    // On Unix, Uri.TryCreate("/path", Absolute) succeeds as file:///path; a feed's "/path" is relative to the document.
    private static bool IsUnixPathMistakenForFile(string text) => text.StartsWith('/');
}
