using System.Collections.Concurrent;
using AgentMemory.Storage;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace AgentMemory.Benchmarks.Storage;

/// <summary>
/// The shared workload: 100,000 string keys with 100-byte values, loaded into AgentMemory's hot tier and into the
/// peers a user would pick instead. Keys are visited in a fixed shuffled order so the runs measure the stores,
/// not key building or a predictable access pattern.
/// </summary>
public sealed class HotTierWorkload : IDisposable
{
    public const int KeyCount = 100_000;
    public const int ValueSize = 100;

    public HotTierWorkload()
    {
        var random = new Random(42);
        Keys = Enumerable.Range(0, KeyCount).Select(i => $"key:{i:D6}").OrderBy(_ => random.Next()).ToArray();
        MissingKeys = Keys.Select(k => "missing:" + k).ToArray();
        Value = new byte[ValueSize];
        random.NextBytes(Value);

        Dictionary = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        MemoryCache = new MemoryCache(new MemoryCacheOptions());
        Lru = new ConcurrentLru<string, byte[]>(Environment.ProcessorCount, KeyCount * 2, StringComparer.Ordinal);
        Store = new InMemoryStore();
        foreach (var key in Keys)
        {
            Dictionary[key] = Value;
            MemoryCache.Set(key, Value);
            Lru.AddOrUpdate(key, Value);
            Store.StoreRawAsync(key, Value).GetAwaiter().GetResult();
        }
    }

    public string[] Keys { get; }

    public string[] MissingKeys { get; }

    public byte[] Value { get; }

    public ConcurrentDictionary<string, byte[]> Dictionary { get; }

    public MemoryCache MemoryCache { get; }

    public ConcurrentLru<string, byte[]> Lru { get; }

    public InMemoryStore Store { get; }

    public void Dispose()
    {
        MemoryCache.Dispose();
        Store.Dispose();
    }
}
