using BenchmarkDotNet.Attributes;
using FeedService.Publishing;

namespace FeedService.Benchmarks;

/// <summary>Rendering one category's current document (50 items) in each format, as RegenerateFeedsJob does.</summary>
[MemoryDiagnoser]
public class RenderBenchmarks
{
    private FeedDocument _doc = null!;

    [GlobalSetup]
    public void Setup() => _doc = Fixtures.FiftyItemFeed();

    [Benchmark(Baseline = true)]
    public byte[] Rss() => FeedWriters.Rss(_doc);

    [Benchmark]
    public byte[] Atom() => FeedWriters.Atom(_doc);

    [Benchmark]
    public byte[] Json() => JsonFeedWriter.Write(_doc);
}
