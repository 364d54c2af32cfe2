using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;

namespace AgentMemory.Benchmarks.Storage;

/// <summary>
/// How much work do one and two threads get through a mixed workload (90% get-hit, 10% overwrite of a 100-byte
/// value, 100k keys)? Each invocation runs <see cref="OperationsPerThread"/> operations on each of
/// <see cref="Threads"/> threads; the reported time is wall time divided by the operations of one thread, so
/// perfect scaling shows the same time for two threads as for one, and throughput is Threads / Mean.
/// </summary>
[MemoryDiagnoser]
public class ThroughputBenchmarks
{
    private const int OperationsPerThread = 200_000;
    private HotTierWorkload _workload = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = new HotTierWorkload();

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = OperationsPerThread)]
    public void ConcurrentDictionary() => Run((key, write) =>
    {
        if (write)
        {
            _workload.Dictionary[key] = _workload.Value;
        }
        else
        {
            _workload.Dictionary.TryGetValue(key, out _);
        }
    });

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public void MemoryCache() => Run((key, write) =>
    {
        if (write)
        {
            _workload.MemoryCache.Set(key, _workload.Value);
        }
        else
        {
            _workload.MemoryCache.TryGetValue(key, out _);
        }
    });

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public void ConcurrentLru() => Run((key, write) =>
    {
        if (write)
        {
            _workload.Lru.AddOrUpdate(key, _workload.Value);
        }
        else
        {
            _workload.Lru.TryGet(key, out _);
        }
    });

    [Benchmark(OperationsPerInvoke = OperationsPerThread)]
    public void AgentMemory() => Run((key, write) =>
    {
        if (write)
        {
            _workload.Store.StoreRawAsync(key, _workload.Value).GetAwaiter().GetResult();
        }
        else
        {
            _workload.Store.RetrieveRawAsync(key).GetAwaiter().GetResult();
        }
    });

    private void Run(Action<string, bool> operation)
    {
        var keys = _workload.Keys;
        var threads = new Thread[Threads];
        for (var t = 0; t < threads.Length; t++)
        {
            var start = t * (keys.Length / Threads);
            threads[t] = new Thread(() =>
            {
                var index = start;
                for (var i = 0; i < OperationsPerThread; i++)
                {
                    operation(keys[index], i % 10 == 0);
                    index = index + 1 == keys.Length ? 0 : index + 1;
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
