using System.Collections.Concurrent;
using AgentMemory.Storage;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace AgentMemory.Benchmarks.Storage;

/// <summary>
/// Throughput: how many get-hits, or overwrites of a 100-byte value, do one and two threads complete together
/// (100k keys, random order)?
/// </summary>
/// <remarks>
/// Each invocation does <see cref="TotalOperations"/> operations split evenly over <see cref="Threads"/> threads
/// (so with two threads each does a fixed 100,000), and the time reported per operation is wall time divided by
/// that total: the Op/s column is the combined throughput, and perfect scaling halves the mean from one thread to
/// two. The threads are started once (see <see cref="WorkerGang"/>), so no run pays for creating them. Each thread
/// walks the shuffled keys from its own starting point, half the key set apart, so two writers never touch the
/// same key at the same time.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(OneInvocationPerUnrollConfig))]
public class ThroughputBenchmarks
{
    private const int TotalOperations = 200_000;
    private WorkingSet _set = null!;
    private ConcurrentDictionary<string, byte[]> _dictionary = null!;
    private MemoryCache _memoryCache = null!;
    private ConcurrentLru<string, byte[]> _lru = null!;
    private InMemoryStore _store = null!;
    private WorkerGang _gang = null!;
    private int[] _cursors = null!;
    private int _operationsPerThread;

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(ThroughputOperation.GetHit, ThroughputOperation.Set)]
    public ThroughputOperation Operation { get; set; }

    [GlobalSetup(Target = nameof(ConcurrentDictionary))]
    public void SetupDictionary()
    {
        _dictionary = Peers.LoadDictionary(_set = new WorkingSet());
        StartGang(Operation == ThroughputOperation.GetHit ? DictionaryGets : DictionarySets);
    }

    [GlobalSetup(Target = nameof(MemoryCache))]
    public void SetupMemoryCache()
    {
        _memoryCache = Peers.LoadMemoryCache(_set = new WorkingSet());
        StartGang(Operation == ThroughputOperation.GetHit ? MemoryCacheGets : MemoryCacheSets);
    }

    [GlobalSetup(Target = nameof(ConcurrentLru))]
    public void SetupLru()
    {
        _lru = Peers.LoadLru(_set = new WorkingSet());
        StartGang(Operation == ThroughputOperation.GetHit ? LruGets : LruSets);
    }

    [GlobalSetup(Target = nameof(AgentMemory))]
    public void SetupStore()
    {
        _store = Peers.LoadStore(_set = new WorkingSet());
        StartGang(Operation == ThroughputOperation.GetHit ? StoreGets : StoreSets);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _gang?.Dispose();
        _memoryCache?.Dispose();
        _store?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = TotalOperations)]
    public long ConcurrentDictionary() => _gang.Run();

    [Benchmark(OperationsPerInvoke = TotalOperations)]
    public long MemoryCache() => _gang.Run();

    [Benchmark(OperationsPerInvoke = TotalOperations)]
    public long ConcurrentLru() => _gang.Run();

    [Benchmark(OperationsPerInvoke = TotalOperations)]
    public long AgentMemory() => _gang.Run();

    private void StartGang(Func<int, long> work)
    {
        _operationsPerThread = TotalOperations / Threads;
        _cursors = new int[Threads];
        for (var t = 0; t < Threads; t++)
        {
            _cursors[t] = t * (WorkingSet.KeyCount / Threads);
        }

        _gang = new WorkerGang(Threads, work);
    }

    private long DictionaryGets(int thread)
    {
        var (keys, dictionary, index) = (_set.Keys, _dictionary, _cursors[thread]);
        long sum = 0;
        for (var i = 0; i < _operationsPerThread; i++)
        {
            dictionary.TryGetValue(keys[index], out var value);
            sum += value!.Length;
            index = WorkingSet.Next(index);
        }

        _cursors[thread] = index;
        return sum;
    }

    private long DictionarySets(int thread)
    {
        var (keys, values, dictionary, index) = (_set.Keys, _set.Values, _dictionary, _cursors[thread]);
        for (var i = 0; i < _operationsPerThread; i++)
        {
            dictionary[keys[index]] = values[index];
            index = WorkingSet.Next(index);
        }

        _cursors[thread] = index;
        return _operationsPerThread;
    }

    private long MemoryCacheGets(int thread)
    {
        var (keys, cache, index) = (_set.Keys, _memoryCache, _cursors[thread]);
        long sum = 0;
        for (var i = 0; i < _operationsPerThread; i++)
        {
            cache.TryGetValue(keys[index], out byte[]? value);
            sum += value!.Length;
            index = WorkingSet.Next(index);
        }

        _cursors[thread] = index;
        return sum;
    }

    private long MemoryCacheSets(int thread)
    {
        var (keys, values, cache, index) = (_set.Keys, _set.Values, _memoryCache, _cursors[thread]);
        for (var i = 0; i < _operationsPerThread; i++)
        {
            cache.Set(keys[index], values[index]);
            index = WorkingSet.Next(index);
        }

        _cursors[thread] = index;
        return _operationsPerThread;
    }

    private long LruGets(int thread)
    {
        var (keys, lru, index) = (_set.Keys, _lru, _cursors[thread]);
        long sum = 0;
        for (var i = 0; i < _operationsPerThread; i++)
        {
            lru.TryGet(keys[index], out var value);
            sum += value!.Length;
            index = WorkingSet.Next(index);
        }

        _cursors[thread] = index;
        return sum;
    }

    private long LruSets(int thread)
    {
        var (keys, values, lru, index) = (_set.Keys, _set.Values, _lru, _cursors[thread]);
        for (var i = 0; i < _operationsPerThread; i++)
        {
            lru.AddOrUpdate(keys[index], values[index]);
            index = WorkingSet.Next(index);
        }

        _cursors[thread] = index;
        return _operationsPerThread;
    }

    private long StoreGets(int thread)
    {
        var (keys, store, index) = (_set.Keys, _store, _cursors[thread]);
        long sum = 0;
        for (var i = 0; i < _operationsPerThread; i++)
        {
            var value = store.RetrieveRawAsync(keys[index]).GetAwaiter().GetResult();
            sum += value!.Value.Length;
            index = WorkingSet.Next(index);
        }

        _cursors[thread] = index;
        return sum;
    }

    private long StoreSets(int thread)
    {
        var (keys, values, store, index) = (_set.Keys, _set.Values, _store, _cursors[thread]);
        for (var i = 0; i < _operationsPerThread; i++)
        {
            store.StoreRawAsync(keys[index], values[index]).GetAwaiter().GetResult();
            index = WorkingSet.Next(index);
        }

        _cursors[thread] = index;
        return _operationsPerThread;
    }

    /// <summary>
    /// One invocation here is 200,000 operations (tens of milliseconds), so BenchmarkDotNet's default of unrolling
    /// 16 invocations per loop step would make iterations needlessly long; this keeps every job's other settings.
    /// </summary>
    private sealed class OneInvocationPerUnrollConfig : ManualConfig
    {
        public OneInvocationPerUnrollConfig() => AddJob(Job.Default.WithUnrollFactor(1).AsMutator());
    }
}
