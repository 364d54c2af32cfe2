using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using AgentMemory.Search;
using AgentMemory.Vectors;

namespace AgentMemory.Benchmarks.Semantic;

/// <summary>
/// Per-call latency percentiles of hybrid retrieval (BenchmarkDotNet reports means over iterations, not per-call
/// percentiles): 10k memories of the user among 20k, embedding excluded, 300 warm-up calls, then 2,000 timed calls.
/// Also prints the process CPU time per call, which a busy shared machine inflates far less than wall-clock time,
/// and the same figures for a bare vector search and a bare BM25 search over the same data. On Linux it also takes the
/// calling thread's CPU time per call (<c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>), whose percentiles exclude the
/// time a call spent waiting for a core: on a shared, overloaded machine that is the figure that shows the work itself.
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

        using var cached = HybridFixture.Create(configure: o => { o.Cache.ResultCapacity = 1000; o.Cache.EmbeddingCapacity = 1000; o.Cache.Ttl = TimeSpan.FromHours(1); });
        Measure("hybrid retrieval, result cache hit, no access update", i => cached.Memory.RetrieveAsync(cached.Query(i, updateAccess: false)).AsTask().GetAwaiter().GetResult());
    }

    private static void Measure(string name, Action<int> call)
    {
        for (var i = 0; i < 300; i++)
        {
            call(i);
        }

        var samples = new double[Calls];
        var threadCpu = new double[Calls];
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        for (var i = 0; i < samples.Length; i++)
        {
            var cpuStarted = ThreadCpuMilliseconds();
            var started = Stopwatch.GetTimestamp();
            call(i);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            threadCpu[i] = ThreadCpuMilliseconds() - cpuStarted;
        }

        process.Refresh();
        var cpuPerCall = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / Calls;
        Array.Sort(samples);
        Array.Sort(threadCpu);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: wall p50 {samples[Calls / 2]:F3} ms, p95 {samples[(int)(Calls * 0.95)]:F3} ms, p99 {samples[(int)(Calls * 0.99)]:F3} ms; thread CPU p50 {threadCpu[Calls / 2]:F3} ms, p95 {threadCpu[(int)(Calls * 0.95)]:F3} ms, p99 {threadCpu[(int)(Calls * 0.99)]:F3} ms; process CPU {cpuPerCall:F3} ms/call"));
    }

    /// <summary>The calling thread's CPU time in milliseconds (Linux); NaN elsewhere.</summary>
    private static double ThreadCpuMilliseconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        return ClockGetTime(ClockThreadCpuTimeId, out var ts) == 0 ? (ts.Seconds * 1000.0) + (ts.Nanoseconds / 1e6) : double.NaN;
    }

    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport rather than LibraryImport: the struct is blittable, and LibraryImport would need unsafe code enabled
    // for the whole benchmark project.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clockId, out Timespec timespec);
#pragma warning restore SYSLIB1054
}
