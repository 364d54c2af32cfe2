using System.Collections.Concurrent;
using AgentMemory.Storage;
using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace AgentMemory.Benchmarks.Storage;

/// <summary>
/// How fast is an atomic increment of a counter among 100k counters? Peers: ConcurrentDictionary.AddOrUpdate
/// (atomic by retry), and MemoryCache / ConcurrentLru holding a mutable box updated with Interlocked.Increment
/// (the usual way to count in a cache that has no increment). AgentMemory's counter is a serialized value, as
/// every stored value is.
/// </summary>
[MemoryDiagnoser]
public class IncrementBenchmarks
{
    private const int Batch = 1000;
    private string[] _keys = null!;
    private ConcurrentDictionary<string, long> _dictionary = null!;
    private MemoryCache _memoryCache = null!;
    private ConcurrentLru<string, Counter> _lru = null!;
    private InMemoryStore _store = null!;
    private int _cursor;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _keys = Enumerable.Range(0, HotTierWorkload.KeyCount).Select(i => $"counter:{i:D6}").OrderBy(_ => random.Next()).ToArray();
        _dictionary = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        _memoryCache = new MemoryCache(new MemoryCacheOptions());
        _lru = new ConcurrentLru<string, Counter>(Environment.ProcessorCount, HotTierWorkload.KeyCount * 2, StringComparer.Ordinal);
        _store = new InMemoryStore();
        foreach (var key in _keys)
        {
            _dictionary[key] = 0;
            _memoryCache.Set(key, new Counter());
            _lru.AddOrUpdate(key, new Counter());
            _store.IncrementAsync(key, 0).GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _memoryCache.Dispose();
        _store.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public long ConcurrentDictionary()
    {
        long last = 0;
        for (var i = 0; i < Batch; i++)
        {
            last = _dictionary.AddOrUpdate(NextKey(), 1, static (_, value) => value + 1);
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long MemoryCache()
    {
        long last = 0;
        for (var i = 0; i < Batch; i++)
        {
            last = Interlocked.Increment(ref _memoryCache.Get<Counter>(NextKey())!.Value);
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long ConcurrentLru()
    {
        long last = 0;
        for (var i = 0; i < Batch; i++)
        {
            _lru.TryGet(NextKey(), out var counter);
            last = Interlocked.Increment(ref counter!.Value);
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long AgentMemory()
    {
        long last = 0;
        for (var i = 0; i < Batch; i++)
        {
            last = _store.IncrementAsync(NextKey()).GetAwaiter().GetResult();
        }

        return last;
    }

    private string NextKey()
    {
        var index = _cursor;
        _cursor = index + 1 == _keys.Length ? 0 : index + 1;
        return _keys[index];
    }

    private sealed class Counter
    {
        public long Value;
    }
}
