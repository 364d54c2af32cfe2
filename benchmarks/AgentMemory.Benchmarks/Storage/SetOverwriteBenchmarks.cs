using System.Collections.Concurrent;
using AgentMemory.Storage;
using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace AgentMemory.Benchmarks.Storage;

/// <summary>
/// Set-overwrite: how long does replacing the 100-byte value of a present key take (100k keys, random order, one
/// thread)? The peers keep the caller's array by reference; AgentMemory copies it (a stored value is immutable),
/// so its allocation column includes that copy.
/// </summary>
[MemoryDiagnoser]
public class SetOverwriteBenchmarks
{
    private const int Batch = 1000;
    private WorkingSet _set = null!;
    private ConcurrentDictionary<string, byte[]> _dictionary = null!;
    private MemoryCache _memoryCache = null!;
    private ConcurrentLru<string, byte[]> _lru = null!;
    private InMemoryStore _store = null!;
    private int _cursor;

    [GlobalSetup(Target = nameof(ConcurrentDictionary))]
    public void SetupDictionary() => _dictionary = Peers.LoadDictionary(_set = new WorkingSet());

    [GlobalSetup(Target = nameof(MemoryCache))]
    public void SetupMemoryCache() => _memoryCache = Peers.LoadMemoryCache(_set = new WorkingSet());

    [GlobalSetup(Target = nameof(ConcurrentLru))]
    public void SetupLru() => _lru = Peers.LoadLru(_set = new WorkingSet());

    [GlobalSetup(Target = nameof(AgentMemory))]
    public void SetupStore() => _store = Peers.LoadStore(_set = new WorkingSet());

    [GlobalCleanup]
    public void Cleanup()
    {
        _memoryCache?.Dispose();
        _store?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public void ConcurrentDictionary()
    {
        var (keys, values) = (_set.Keys, _set.Values);
        var index = _cursor;
        for (var i = 0; i < Batch; i++)
        {
            _dictionary[keys[index]] = values[index];
            index = WorkingSet.Next(index);
        }

        _cursor = index;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void MemoryCache()
    {
        var (keys, values) = (_set.Keys, _set.Values);
        var index = _cursor;
        for (var i = 0; i < Batch; i++)
        {
            _memoryCache.Set(keys[index], values[index]);
            index = WorkingSet.Next(index);
        }

        _cursor = index;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void ConcurrentLru()
    {
        var (keys, values) = (_set.Keys, _set.Values);
        var index = _cursor;
        for (var i = 0; i < Batch; i++)
        {
            _lru.AddOrUpdate(keys[index], values[index]);
            index = WorkingSet.Next(index);
        }

        _cursor = index;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public void AgentMemory()
    {
        var (keys, values) = (_set.Keys, _set.Values);
        var index = _cursor;
        for (var i = 0; i < Batch; i++)
        {
            _store.StoreRawAsync(keys[index], values[index]).GetAwaiter().GetResult();
            index = WorkingSet.Next(index);
        }

        _cursor = index;
    }
}
