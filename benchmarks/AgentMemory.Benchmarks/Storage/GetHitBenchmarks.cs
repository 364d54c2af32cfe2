using System.Collections.Concurrent;
using AgentMemory.Storage;
using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace AgentMemory.Benchmarks.Storage;

/// <summary>Get-hit: how long does one read of a present key take (100k keys, 100-byte values, random order, one thread)?</summary>
[MemoryDiagnoser]
public class GetHitBenchmarks
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
        var keys = _set.Keys;
        var index = _cursor;
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            _dictionary.TryGetValue(keys[index], out var value);
            sum += value!.Length;
            index = WorkingSet.Next(index);
        }

        _cursor = index;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int MemoryCache()
    {
        var keys = _set.Keys;
        var index = _cursor;
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            _memoryCache.TryGetValue(keys[index], out byte[]? value);
            sum += value!.Length;
            index = WorkingSet.Next(index);
        }

        _cursor = index;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int ConcurrentLru()
    {
        var keys = _set.Keys;
        var index = _cursor;
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            _lru.TryGet(keys[index], out var value);
            sum += value!.Length;
            index = WorkingSet.Next(index);
        }

        _cursor = index;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int AgentMemory()
    {
        var keys = _set.Keys;
        var index = _cursor;
        var sum = 0;
        for (var i = 0; i < Batch; i++)
        {
            var value = _store.RetrieveRawAsync(keys[index]).GetAwaiter().GetResult();
            sum += value!.Value.Length;
            index = WorkingSet.Next(index);
        }

        _cursor = index;
        return sum;
    }
}
