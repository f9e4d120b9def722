namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Collects what could not be read, in document order. Capped, because a broken feed of 10,000 items must not
/// produce a 10,000-line report that is larger than the feed itself.
/// </summary>
internal sealed class ProblemLog
{
    private const int MaxProblems = 200;
    private readonly List<string> problems = [];
    private int dropped;

    /// <summary>A copy to try a reader on: its problems are kept only if that reader succeeds.</summary>
    public ProblemLog Clone()
    {
        var copy = new ProblemLog { dropped = dropped };
        copy.problems.AddRange(problems);
        return copy;
    }

    public void ReplaceWith(ProblemLog other)
    {
        problems.Clear();
        problems.AddRange(other.problems);
        dropped = other.dropped;
    }

    public void Add(string problem)
    {
        if (problems.Count < MaxProblems) problems.Add(problem);
        else dropped++;
    }

    /// <summary>Problems about item <paramref name="itemNumber"/> (1-based, in document order).</summary>
    public void AddForItem(int itemNumber, string problem) => Add($"item {itemNumber}: {problem}");

    public IReadOnlyList<string> ToList() =>
        dropped == 0 ? [.. problems] : [.. problems, $"... and {dropped} more problems"];

    /// <summary>Quotes a value from the document for a problem message, shortened so one line stays one line.</summary>
    public static string Quote(string value)
    {
        var oneLine = value.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 80 ? $"'{oneLine}'" : $"'{oneLine[..77]}...'";
    }
}
