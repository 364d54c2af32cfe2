using AgentMemory.Benchmarks;
using BenchmarkDotNet.Running;

// Run all:   dotnet run -c Release --project benchmarks/AgentMemory.Benchmarks -- --filter '*'
// Run one:   dotnet run -c Release --project benchmarks/AgentMemory.Benchmarks -- --filter '*GetHit*'
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, new BenchmarkConfig());
