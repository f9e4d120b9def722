using Xunit;

namespace FeedService.Tests.Infrastructure;

/// <summary>Ordinal substring checks of many pieces against one text (a feed, a script) at once.</summary>
public static class TextAssert
{
    public static void ContainsAll(string text, params string[] pieces) =>
        Assert.All(pieces, piece => Assert.Contains(piece, text, StringComparison.Ordinal));

    public static void ContainsNone(string text, params string[] pieces) =>
        Assert.All(pieces, piece => Assert.DoesNotContain(piece, text, StringComparison.Ordinal));
}
