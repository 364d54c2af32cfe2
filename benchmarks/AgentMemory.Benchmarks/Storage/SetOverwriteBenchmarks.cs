using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Memory;

namespace AgentMemory.Benchmarks.Storage;

/// <summary>
/// How fast is overwriting a present key with a 100-byte value (100k keys), single-threaded? The peers store the
/// caller's array by reference; AgentMemory copies it (a stored value is immutable), so its allocation column
/// includes that copy.
/// </summary>
[MemoryDiagnoser]
public class SetOverwriteBenchmarks
{
    private const int Batch = 1000;
    private HotTierWorkload _workload = null!;
    private int _cursor;

    [GlobalSetup]
    public void Setup() => _workload = new HotTierWorkload();

    [GlobalCleanup]
    public void Cleanup() => _workload.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public void ConcurrentDictionary()
    {
        for (var i = 0; i < Batch; i++)
        {
            _workload.Dictionary[NextKey()] = _workload.Value;
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void MemoryCache()
    {
        for (var i = 0; i < Batch; i++)
        {
            _workload.MemoryCache.Set(NextKey(), _workload.Value);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void ConcurrentLru()
    {
        for (var i = 0; i < Batch; i++)
        {
            _workload.Lru.AddOrUpdate(NextKey(), _workload.Value);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void AgentMemory()
    {
        for (var i = 0; i < Batch; i++)
        {
            _workload.Store.StoreRawAsync(NextKey(), _workload.Value).GetAwaiter().GetResult();
        }
    }

    private string NextKey()
    {
        var keys = _workload.Keys;
        var index = _cursor;
        _cursor = index + 1 == keys.Length ? 0 : index + 1;
        return keys[index];
    }
}
