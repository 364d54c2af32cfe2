using AgentMemory.Benchmarks;
using BenchmarkDotNet.Running;

// The whole suite:  dotnet run -c Release --project benchmarks/AgentMemory.Benchmarks -- --filter '*'
// One question:     dotnet run -c Release --project benchmarks/AgentMemory.Benchmarks -- --filter '*GetHit*'
// Another job:      add --job short (or dry, medium, long); it replaces the suite's default job.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create(args));
