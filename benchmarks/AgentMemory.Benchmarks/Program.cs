using AgentMemory.Benchmarks;
using BenchmarkDotNet.Running;

// The whole suite:  dotnet run -c Release --project benchmarks/AgentMemory.Benchmarks -- --filter '*'
// One question:     dotnet run -c Release --project benchmarks/AgentMemory.Benchmarks -- --filter '*GetHit*'
// Another job:      add --job short (or dry, medium, long); it replaces the suite's default job.
// Hybrid retrieval per-call percentiles: add --latency (runs the probe instead of BenchmarkDotNet).
if (args.Contains("--latency"))
{
    AgentMemory.Benchmarks.Semantic.LatencyProbe.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create(args));
