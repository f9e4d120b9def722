using BenchmarkDotNet.Running;

// Every benchmark:      dotnet run -c Release --project tests/FeedService.Benchmarks -- --filter '*'
// Quick (a few s each): dotnet run -c Release --project tests/FeedService.Benchmarks -- --filter '*' --job short
// One group:            ... -- --filter '*Render*'   (RenderBenchmarks, ParseBenchmarks, SanitizeBenchmarks, StoreBenchmarks)
// Reports go to $TMPDIR/feedservice-benchmarks unless --artifacts names a folder: never into the work tree.
if (!args.Any(a => a is "--artifacts" or "-a"))
    args = [.. args, "--artifacts", Path.Combine(Path.GetTempPath(), "feedservice-benchmarks")];
BenchmarkSwitcher.FromAssembly(typeof(FeedService.Benchmarks.RenderBenchmarks).Assembly).Run(args);
