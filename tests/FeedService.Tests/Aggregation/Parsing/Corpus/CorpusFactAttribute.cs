using Xunit;

namespace FeedService.Tests.Aggregation.Parsing.Corpus;

/// <summary>
/// A test over gofeed's public corpus: it runs where the corpus is (shared/corpora/gofeed above the clone, as in CI, or
/// FEEDSERVICE_CORPUS), and on a bare clone it is reported as skipped with the reason, never counted as passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (GofeedCorpus.Locate() is null)
        {
            var configured = Environment.GetEnvironmentVariable(GofeedCorpus.EnvironmentVariable);
            Skip = "gofeed corpus not found: " + (string.IsNullOrEmpty(configured)
                ? $"no shared/corpora/gofeed in any folder above {AppContext.BaseDirectory}"
                : $"{GofeedCorpus.EnvironmentVariable}={configured} is not a folder")
                + $" (.ci/run runs these tests with it; point {GofeedCorpus.EnvironmentVariable} at a copy to run them here)";
        }
    }
}
