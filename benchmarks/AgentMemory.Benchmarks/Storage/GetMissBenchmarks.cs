using System.Collections.Concurrent;
using AgentMemory.Storage;
using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace AgentMemory.Benchmarks.Storage;

/// <summary>Get-miss: how long does one read of an absent key take (100k keys loaded, misses of the same shape, one thread)?</summary>
[MemoryDiagnoser]
public class GetMissBenchmarks
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
    public int ConcurrentDictionary()
    {
        var keys = _set.MissingKeys;
        var index = _cursor;
        var misses = 0;
        for (var i = 0; i < Batch; i++)
        {
            misses += _dictionary.TryGetValue(keys[index], out _) ? 0 : 1;
            index = WorkingSet.Next(index);
        }

        _cursor = index;
        return misses;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int MemoryCache()
    {
        var keys = _set.MissingKeys;
        var index = _cursor;
        var misses = 0;
        for (var i = 0; i < Batch; i++)
        {
            misses += _memoryCache.TryGetValue(keys[index], out _) ? 0 : 1;
            index = WorkingSet.Next(index);
        }

        _cursor = index;
        return misses;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int ConcurrentLru()
    {
        var keys = _set.MissingKeys;
        var index = _cursor;
        var misses = 0;
        for (var i = 0; i < Batch; i++)
        {
            misses += _lru.TryGet(keys[index], out _) ? 0 : 1;
            index = WorkingSet.Next(index);
        }

        _cursor = index;
        return misses;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int AgentMemory()
    {
        var keys = _set.MissingKeys;
        var index = _cursor;
        var misses = 0;
        for (var i = 0; i < Batch; i++)
        {
            misses += _store.RetrieveRawAsync(keys[index]).GetAwaiter().GetResult() is null ? 1 : 0;
            index = WorkingSet.Next(index);
        }

        _cursor = index;
        return misses;
    }
}
