using BenchmarkDotNet.Attributes;
using FeedService.Bench;
using FeedService.Content;

namespace FeedService.Benchmarks;

/// <summary>Preparing one item's HTML (~1.5 KB): allow-list sanitizing and making its URLs absolute.</summary>
[MemoryDiagnoser]
public class SanitizeBenchmarks
{
    private readonly HtmlContent _html = new();
    private string _body = null!;
    private string _excerpt = null!;

    [GlobalSetup]
    public void Setup()
    {
        _body = Corpus.Body(9);
        _excerpt = Corpus.Excerpt(10);
    }

    [Benchmark(Baseline = true)]
    public string Body() => _html.Prepare(_body, "https://news.example.org/2025/11/post/");

    [Benchmark]
    public string Excerpt() => _html.Prepare(_excerpt, "https://news.example.org/2025/11/post/");
}
