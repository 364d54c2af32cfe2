using System.Collections.Concurrent;
using AgentMemory.Coordination;
using AgentMemory.Vectors;

namespace AgentMemory.AgentFramework;

/// <summary>
/// The facade's embeddings: searched in memory by SIMD <see cref="FlatVectorIndex"/>es (one per dimension, cosine),
/// and kept durably as <c>float[]</c> store entries under <c>keyPrefix + id</c> (with their metadata as entry metadata),
/// so they survive a restart whenever the store does. The indexes are filled from the store on first use.
/// </summary>
/// <remarks>
/// Thread-safe. Writes of one id serialize on a gate stripe and go to the store first, then to the index, so the two
/// agree once a write returns; every call first waits for the one-time load from the store, so a write never races it.
/// </remarks>
internal sealed class VectorEmbeddingIndex : IEmbeddingIndex, IDisposable
{
    private readonly IMemoryStore _store;
    private readonly string _keyPrefix;
    private readonly GateStripes _gates;
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly ConcurrentDictionary<int, FlatVectorIndex> _indexes = new();
    private readonly ConcurrentDictionary<string, int> _dimensionsById = new(StringComparer.Ordinal);
    private volatile bool _loaded;

    public VectorEmbeddingIndex(IMemoryStore store, string keyPrefix, GateStripes gates)
    {
        _store = store;
        _keyPrefix = keyPrefix;
        _gates = gates;
    }

    public async ValueTask UpsertAsync(string id, ReadOnlyMemory<float> embedding, IReadOnlyDictionary<string, MetadataValue>? metadata, CancellationToken cancellationToken)
    {
        Check(embedding.Span, nameof(embedding));
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        using (await _gates.EnterAsync(_keyPrefix + id, cancellationToken).ConfigureAwait(false))
        {
            await _store.StoreAsync(_keyPrefix + id, embedding.ToArray(), new MemoryEntryOptions { Metadata = metadata, Priority = MemoryPriority.High }, CancellationToken.None).ConfigureAwait(false);
            Put(id, embedding.Span, metadata);
        }
    }

    public async ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        using (await _gates.EnterAsync(_keyPrefix + id, cancellationToken).ConfigureAwait(false))
        {
            var stored = await _store.DeleteAsync(_keyPrefix + id, CancellationToken.None).ConfigureAwait(false);
            return RemoveFromIndex(id) | stored;
        }
    }

    public async ValueTask<IReadOnlyList<EmbeddingMatch>> QueryAsync(ReadOnlyMemory<float> query, int topK, IReadOnlyDictionary<string, MetadataValue>? filter, CancellationToken cancellationToken)
    {
        Check(query.Span, nameof(query));
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        if (!_indexes.TryGetValue(query.Length, out var index))
        {
            return [];
        }

        var results = index.Search(query.Span, topK, ToFilter(filter));
        var matches = new EmbeddingMatch[results.Count];
        for (var i = 0; i < matches.Length; i++)
        {
            matches[i] = new EmbeddingMatch(results[i].Id, results[i].Score, results[i].Metadata);
        }

        return matches;
    }

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        return _indexes.Values.Sum(i => (long)i.Count);
    }

    public void Dispose()
    {
        foreach (var index in _indexes.Values)
        {
            index.Dispose();
        }

        _loadGate.Dispose();
    }

    /// <summary>Rejects what the cosine index cannot hold: non-finite components and the zero vector.</summary>
    private static void Check(ReadOnlySpan<float> vector, string paramName)
    {
        var nonZero = false;
        for (var i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                throw new ArgumentException($"The vector's component {i} is {vector[i]}; every component must be a finite number.", paramName);
            }

            nonZero |= vector[i] != 0;
        }

        if (!nonZero)
        {
            throw new ArgumentException("A zero vector has no direction, so it cannot be compared by cosine similarity.", paramName);
        }
    }

    private static MetadataFilter? ToFilter(IReadOnlyDictionary<string, MetadataValue>? filter)
    {
        if (filter is not { Count: > 0 })
        {
            return null;
        }

        var terms = filter.Select(pair => MetadataFilter.Equal(pair.Key, pair.Value)).ToArray();
        return terms.Length == 1 ? terms[0] : MetadataFilter.And(terms);
    }

    private void Put(string id, ReadOnlySpan<float> vector, IReadOnlyDictionary<string, MetadataValue>? metadata)
    {
        if (_dimensionsById.TryGetValue(id, out var previous) && previous != vector.Length)
        {
            RemoveFromIndex(id);
        }

        _indexes.GetOrAdd(vector.Length, static dimensions => new FlatVectorIndex(dimensions, VectorMetric.Cosine)).Upsert(id, vector, metadata);
        _dimensionsById[id] = vector.Length;
    }

    private bool RemoveFromIndex(string id) =>
        _dimensionsById.TryRemove(id, out var dimensions) && _indexes.TryGetValue(dimensions, out var index) && index.Remove(id);

    /// <summary>Fills the indexes from the store's embedding entries, once.</summary>
    private async ValueTask EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }

        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_loaded)
            {
                return;
            }

            await foreach (var key in _store.EnumerateKeysAsync(KeyPatterns.StartsWith(_keyPrefix), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var vector = await _store.RetrieveAsync<float[]>(key, cancellationToken).ConfigureAwait(false);
                if (vector is not { Length: > 0 } || !IsIndexable(vector))
                {
                    continue;
                }

                var metadata = await _store.GetMetadataAsync(key, cancellationToken).ConfigureAwait(false);
                Put(key[_keyPrefix.Length..], vector, metadata);
            }

            _loaded = true;
        }
        finally
        {
            _loadGate.Release();
        }
    }

    // Entries written before vectors were validated (a zero vector) stay in the store but cannot be searched.
    private static bool IsIndexable(float[] vector) => vector.All(float.IsFinite) && vector.Any(v => v != 0);
}
