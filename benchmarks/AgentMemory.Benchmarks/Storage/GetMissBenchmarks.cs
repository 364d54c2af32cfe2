using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;

namespace AgentMemory.Benchmarks.Storage;

/// <summary>How fast is a read of a key that is absent (100k keys loaded), single-threaded?</summary>
[MemoryDiagnoser]
public class GetMissBenchmarks
{
    private const int Batch = 1000;
    private HotTierWorkload _workload = null!;
    private int _cursor;

    [GlobalSetup]
    public void Setup() => _workload = new HotTierWorkload();

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int ConcurrentDictionary()
    {
        var misses = 0;
        for (var i = 0; i < Batch; i++)
        {
            misses += _workload.Dictionary.TryGetValue(NextKey(), out _) ? 0 : 1;
        }

        return misses;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int MemoryCache()
    {
        var misses = 0;
        for (var i = 0; i < Batch; i++)
        {
            misses += _workload.MemoryCache.TryGetValue(NextKey(), out _) ? 0 : 1;
        }

        return misses;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int ConcurrentLru()
    {
        var misses = 0;
        for (var i = 0; i < Batch; i++)
        {
            misses += _workload.Lru.TryGet(NextKey(), out _) ? 0 : 1;
        }

        return misses;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int AgentMemory()
    {
        var misses = 0;
        for (var i = 0; i < Batch; i++)
        {
            misses += _workload.Store.RetrieveRawAsync(NextKey()).GetAwaiter().GetResult() is null ? 1 : 0;
        }

        return misses;
    }

    private string NextKey()
    {
        var keys = _workload.MissingKeys;
        var index = _cursor;
        _cursor = index + 1 == keys.Length ? 0 : index + 1;
        return keys[index];
    }
}
