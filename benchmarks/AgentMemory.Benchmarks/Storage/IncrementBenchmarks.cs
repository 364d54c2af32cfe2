using System.Collections.Concurrent;
using AgentMemory.Storage;
using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace AgentMemory.Benchmarks.Storage;

/// <summary>
/// Increment: how long does one atomic "add 1 and return the new value" take on one of 100k counters (random
/// order, one thread)?
/// </summary>
/// <remarks>
/// Each peer is made atomic in the way a user of it would: <c>ConcurrentDictionary&lt;string, long&gt;.AddOrUpdate</c>
/// (atomic per key); MemoryCache and ConcurrentLru, which have no increment and whose get-then-set is not atomic,
/// hold a mutable <see cref="Counter"/> box per key that is bumped with <see cref="Interlocked.Increment(ref long)"/>
/// (lock-free, and cheaper than a per-key lock around get + set); AgentMemory's <c>IncrementAsync</c> reads,
/// adds and writes back a serialized 64-bit value under the key's stripe lock. The cleanup checks that no
/// increment was lost.
/// </remarks>
[MemoryDiagnoser]
public class IncrementBenchmarks
{
    private const int Batch = 1000;
    private WorkingSet _set = null!;
    private ConcurrentDictionary<string, long> _dictionary = null!;
    private MemoryCache _memoryCache = null!;
    private ConcurrentLru<string, Counter> _lru = null!;
    private InMemoryStore _store = null!;
    private int _cursor;
    private long _increments;

    [GlobalSetup(Target = nameof(ConcurrentDictionary))]
    public void SetupDictionary()
    {
        _set = new WorkingSet();
        _dictionary = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in _set.LoadOrderKeys)
        {
            _dictionary[key] = 0;
        }
    }

    [GlobalSetup(Target = nameof(MemoryCache))]
    public void SetupMemoryCache()
    {
        _set = new WorkingSet();
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        foreach (var key in _set.LoadOrderKeys)
        {
            _memoryCache.Set(key, new Counter());
        }
    }

    [GlobalSetup(Target = nameof(ConcurrentLru))]
    public void SetupLru()
    {
        _set = new WorkingSet();
        _lru = new ConcurrentLru<string, Counter>(Environment.ProcessorCount, Peers.LruCapacity, StringComparer.Ordinal);
        foreach (var key in _set.LoadOrderKeys)
        {
            _lru.AddOrUpdate(key, new Counter());
        }
    }

    [GlobalSetup(Target = nameof(AgentMemory))]
    public void SetupStore()
    {
        _set = new WorkingSet();
        _store = new InMemoryStore();
        foreach (var key in _set.LoadOrderKeys)
        {
            _store.IncrementAsync(key, 0).GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        long total = 0;
        foreach (var key in _set.LoadOrderKeys)
        {
            total += _dictionary is not null ? _dictionary[key]
                : _memoryCache is not null ? _memoryCache.Get<Counter>(key)!.Value
                : _lru is not null ? (_lru.TryGet(key, out var counter) ? counter.Value : 0)
                : _store.RetrieveAsync<long>(key).GetAwaiter().GetResult();
        }

        _memoryCache?.Dispose();
        _store?.Dispose();
        if (total != _increments)
        {
            throw new InvalidOperationException($"The counters sum to {total}, but the benchmark made {_increments} increments.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public long ConcurrentDictionary()
    {
        var keys = _set.Keys;
        var index = _cursor;
        long last = 0;
        for (var i = 0; i < Batch; i++)
        {
            last = _dictionary.AddOrUpdate(keys[index], 1, static (_, value) => value + 1);
            index = WorkingSet.Next(index);
        }

        _cursor = index;
        _increments += Batch;
        return last;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long MemoryCache()
    {
        var keys = _set.Keys;
        var index = _cursor;
        long last = 0;
        for (var i = 0; i < Batch; i++)
        {
            _memoryCache.TryGetValue(keys[index], out Counter? counter);
            last = Interlocked.Increment(ref counter!.Value);
            index = WorkingSet.Next(index);
        }

        _cursor = index;
        _increments += Batch;
        return last;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long ConcurrentLru()
    {
        var keys = _set.Keys;
        var index = _cursor;
        long last = 0;
        for (var i = 0; i < Batch; i++)
        {
            _lru.TryGet(keys[index], out var counter);
            last = Interlocked.Increment(ref counter!.Value);
            index = WorkingSet.Next(index);
        }

        _cursor = index;
        _increments += Batch;
        return last;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long AgentMemory()
    {
        var keys = _set.Keys;
        var index = _cursor;
        long last = 0;
        for (var i = 0; i < Batch; i++)
        {
            last = _store.IncrementAsync(keys[index]).GetAwaiter().GetResult();
            index = WorkingSet.Next(index);
        }

        _cursor = index;
        _increments += Batch;
        return last;
    }

    /// <summary>The mutable box MemoryCache and ConcurrentLru hold per key; its field is bumped in place with Interlocked.</summary>
    private sealed class Counter
    {
        public long Value;
    }
}
