using System.Collections.Concurrent;
using AgentMemory.Storage;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;

namespace AgentMemory.Benchmarks.Storage;

/// <summary>
/// Builds each store under comparison, loaded with a <see cref="WorkingSet"/>, and checks the load: every key
/// present with its value, no missing key present. A benchmark that measured a store which silently dropped
/// entries would measure misses, so a failed check throws and fails the benchmark.
/// </summary>
internal static class Peers
{
    /// <summary>ConcurrentLru evicts only over its capacity; twice the working set keeps every key resident.</summary>
    public const int LruCapacity = 2 * WorkingSet.KeyCount;

    public static ConcurrentDictionary<string, byte[]> LoadDictionary(WorkingSet set)
    {
        var dictionary = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < WorkingSet.KeyCount; i++)
        {
            dictionary[set.LoadOrderKeys[i]] = set.LoadOrderValues[i];
        }

        Verify(nameof(ConcurrentDictionary<,>), set, key => dictionary.TryGetValue(key, out var value) ? value : null);
        return dictionary;
    }

    public static MemoryCache LoadMemoryCache(WorkingSet set)
    {
        var cache = new MemoryCache(new MemoryCacheOptions());
        for (var i = 0; i < WorkingSet.KeyCount; i++)
        {
            cache.Set(set.LoadOrderKeys[i], set.LoadOrderValues[i]);
        }

        Verify(nameof(MemoryCache), set, key => cache.TryGetValue(key, out byte[]? value) ? value : null);
        return cache;
    }

    public static ConcurrentLru<string, byte[]> LoadLru(WorkingSet set)
    {
        var lru = new ConcurrentLru<string, byte[]>(Environment.ProcessorCount, LruCapacity, StringComparer.Ordinal);
        for (var i = 0; i < WorkingSet.KeyCount; i++)
        {
            lru.AddOrUpdate(set.LoadOrderKeys[i], set.LoadOrderValues[i]);
        }

        Verify(nameof(ConcurrentLru<,>), set, key => lru.TryGet(key, out var value) ? value : null);
        return lru;
    }

    public static InMemoryStore LoadStore(WorkingSet set)
    {
        var store = new InMemoryStore();
        for (var i = 0; i < WorkingSet.KeyCount; i++)
        {
            store.StoreRawAsync(set.LoadOrderKeys[i], set.LoadOrderValues[i]).GetAwaiter().GetResult();
        }

        Verify(nameof(InMemoryStore), set, key => store.RetrieveRawAsync(key).GetAwaiter().GetResult()?.ToArray());
        return store;
    }

    private static void Verify(string peer, WorkingSet set, Func<string, byte[]?> read)
    {
        for (var i = 0; i < WorkingSet.KeyCount; i++)
        {
            var value = read(set.Keys[i]);
            if (value is null || !value.AsSpan().SequenceEqual(set.Values[i]))
            {
                throw new InvalidOperationException($"{peer} lost or changed the value of '{set.Keys[i]}' while loading the working set.");
            }

            if (read(set.MissingKeys[i]) is not null)
            {
                throw new InvalidOperationException($"{peer} returned a value for '{set.MissingKeys[i]}', which was never stored.");
            }
        }
    }
}
