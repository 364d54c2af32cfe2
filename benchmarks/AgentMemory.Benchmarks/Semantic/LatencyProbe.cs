using System.Diagnostics;
using System.Globalization;

namespace AgentMemory.Benchmarks.Semantic;

/// <summary>
/// Per-call latency percentiles of hybrid retrieval (BenchmarkDotNet reports means over iterations, not per-call
/// percentiles): 10k memories of the user among 20k, embedding excluded, 500 warm-up calls, then 5,000 timed calls.
/// Run with <c>dotnet run -c Release --project benchmarks/AgentMemory.Benchmarks -- --latency</c>.
/// </summary>
internal static class LatencyProbe
{
    public static void Run()
    {
        using var fixture = HybridFixture.Create();
        for (var i = 0; i < 500; i++)
        {
            fixture.Memory.RetrieveAsync(fixture.Query(i, updateAccess: false)).AsTask().GetAwaiter().GetResult();
        }

        foreach (var updateAccess in new[] { false, true })
        {
            var samples = new double[5000];
            for (var i = 0; i < samples.Length; i++)
            {
                var started = Stopwatch.GetTimestamp();
                fixture.Memory.RetrieveAsync(fixture.Query(i, updateAccess)).AsTask().GetAwaiter().GetResult();
                samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            Array.Sort(samples);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hybrid retrieval, 10k memories, access update {updateAccess}: p50 {samples[samples.Length / 2]:F3} ms, p95 {samples[(int)(samples.Length * 0.95)]:F3} ms, p99 {samples[(int)(samples.Length * 0.99)]:F3} ms, max {samples[^1]:F3} ms"));
        }
    }
}
