using BenchmarkDotNet.Attributes;
using FeedService.Aggregation.Parsing;
using FeedService.Bench;

namespace FeedService.Benchmarks;

/// <summary>Reading a fetched 50-item document (each item with an excerpt and full HTML content) into items.</summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private static readonly Uri RssUrl = new("https://rss.example.org/feed/");
    private static readonly Uri AtomUrl = new("https://atom.example.org/feed.atom");
    private byte[] _rss = null!;
    private byte[] _atom = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rss = Corpus.OneRss(50);
        _atom = Corpus.OneAtom(50);
        // A benchmark of a parser that failed would measure nothing.
        if (FeedParser.Parse(_rss, "application/rss+xml", RssUrl).Feed?.Items.Count != 50 || FeedParser.Parse(_atom, "application/atom+xml", AtomUrl).Feed?.Items.Count != 50)
            throw new InvalidOperationException("the sample documents do not parse into 50 items");
    }

    [Benchmark(Baseline = true)]
    public ParseResult Rss50() => FeedParser.Parse(_rss, "application/rss+xml", RssUrl);

    [Benchmark]
    public ParseResult Atom50() => FeedParser.Parse(_atom, "application/atom+xml", AtomUrl);
}
