using System.Diagnostics;
using System.Globalization;
using AgentMemory.Search;
using AgentMemory.Vectors;

namespace AgentMemory.Benchmarks.Semantic;

/// <summary>
/// Per-call latency percentiles of hybrid retrieval (BenchmarkDotNet reports means over iterations, not per-call
/// percentiles): 10k memories of the user among 20k, embedding excluded, 300 warm-up calls, then 2,000 timed calls.
/// Also prints the process CPU time per call, which a busy shared machine inflates far less than wall-clock time,
/// and the same figures for a bare vector search and a bare BM25 search over the same data.
/// Run with <c>dotnet run -c Release --project benchmarks/AgentMemory.Benchmarks -- --latency</c>.
/// </summary>
internal static class LatencyProbe
{
    private const int Calls = 2000;

    public static void Run()
    {
        using var fixture = HybridFixture.Create();
        using var bare = new FlatVectorIndex(fixture.Dimensions);
        using var keywords = new Bm25Index();
        foreach (var (id, vector) in fixture.UserVectors)
        {
            bare.Add(id, vector);
        }

        foreach (var (id, text) in fixture.UserTexts)
        {
            keywords.Upsert(id, text);
        }

        Measure("bare flat vector search, 10k x 256", i => bare.Search(fixture.QueryVector(i), 10));
        Measure("bare BM25 search, 10k documents", i => keywords.Search(fixture.Query(i, false).Text, 50));
        Measure("hybrid retrieval, 10k memories of 20k, no access update", i => fixture.Memory.RetrieveAsync(fixture.Query(i, updateAccess: false)).AsTask().GetAwaiter().GetResult());
        Measure("hybrid retrieval, 10k memories of 20k, with access update", i => fixture.Memory.RetrieveAsync(fixture.Query(i, updateAccess: true)).AsTask().GetAwaiter().GetResult());
    }

    private static void Measure(string name, Action<int> call)
    {
        for (var i = 0; i < 300; i++)
        {
            call(i);
        }

        var samples = new double[Calls];
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        for (var i = 0; i < samples.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            call(i);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        process.Refresh();
        var cpuPerCall = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / Calls;
        Array.Sort(samples);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: p50 {samples[Calls / 2]:F3} ms, p95 {samples[(int)(Calls * 0.95)]:F3} ms, p99 {samples[(int)(Calls * 0.99)]:F3} ms; CPU {cpuPerCall:F3} ms/call"));
    }
}
