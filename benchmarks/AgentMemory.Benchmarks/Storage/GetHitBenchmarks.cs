using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;

namespace AgentMemory.Benchmarks.Storage;

/// <summary>How fast is a read of a key that is present (100-byte byte[] value, 100k keys), single-threaded?</summary>
[MemoryDiagnoser]
public class GetHitBenchmarks
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
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            _workload.Dictionary.TryGetValue(NextKey(), out var value);
            sum += value!.Length;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int MemoryCache()
    {
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            _workload.MemoryCache.TryGetValue(NextKey(), out byte[]? value);
            sum += value!.Length;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int ConcurrentLru()
    {
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            _workload.Lru.TryGet(NextKey(), out var value);
            sum += value!.Length;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int AgentMemory()
    {
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            var value = _workload.Store.RetrieveRawAsync(NextKey()).GetAwaiter().GetResult();
            sum += value!.Value.Length;
        }

        return sum;
    }

    private string NextKey()
    {
        var keys = _workload.Keys;
        var index = _cursor;
        _cursor = index + 1 == keys.Length ? 0 : index + 1;
        return keys[index];
    }
}
