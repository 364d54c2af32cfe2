namespace AgentMemory.Semantic;

/// <summary>
/// Retrieval caches: query embeddings, and query candidate sets that stay valid until a memory visible to the query's
/// scope changes (see <see cref="SemanticCacheOptions"/>).
/// </summary>
public sealed partial class SemanticMemory
{
    private readonly TimedLruCache<RetrievalCacheKey, (CandidateSet Set, ScopeVersions.Token Token)>? _resultCache;
    private readonly TimedLruCache<string, ReadOnlyMemory<float>>? _embeddingCache;
    private readonly ScopeVersions _versions;
    private long _staleResults;

    /// <summary>Empties both retrieval caches. Retrievals stay correct without this: changes invalidate what they affect.</summary>
    /// <remarks>Thread-safe.</remarks>
    public void ClearCaches()
    {
        _versions.RetireAll();
        _resultCache?.Clear();
        _embeddingCache?.Clear();
    }

    private SemanticCacheStatistics CacheStatistics()
    {
        var results = _resultCache?.Snapshot() ?? default;
        var embeddings = _embeddingCache?.Snapshot() ?? default;
        var stale = Interlocked.Read(ref _staleResults);
        return new SemanticCacheStatistics(
            results.Hits - stale,
            results.Misses + stale,
            stale,
            results.Count,
            embeddings.Hits,
            embeddings.Misses,
            embeddings.Count);
    }

    /// <summary>
    /// The candidate set of each text under <paramref name="query"/>'s scope and filters: from the result cache when a
    /// current entry exists, else embedded (through the embedding cache, misses in one batch) and searched.
    /// </summary>
    private async ValueTask<CandidateSet[]> CandidatesAsync(IReadOnlyList<string> texts, MemoryQuery query, CancellationToken cancellationToken)
    {
        var sets = new CandidateSet[texts.Count];
        var keys = new RetrievalCacheKey[texts.Count];
        var misses = new List<int>(texts.Count);
        var candidates = Math.Max(MinCandidates, query.Limit * _options.CandidateMultiplier);
        var typeMask = TypeMask(query.Types);
        for (var i = 0; i < texts.Count; i++)
        {
            keys[i] = new RetrievalCacheKey(texts[i], query.Scope, typeMask, query.MinRelevance, query.MinImportance, query.From, query.To, query.Filter, candidates);
            if (_resultCache is not null && _resultCache.TryGet(keys[i], out var cached))
            {
                if (ScopeVersions.IsCurrent(cached.Token))
                {
                    sets[i] = cached.Set;
                    continue;
                }

                Interlocked.Increment(ref _staleResults);
                _resultCache.Remove(keys[i]);
            }

            misses.Add(i);
        }

        if (misses.Count == 0)
        {
            return sets;
        }

        // The version is read before the scan: a write that lands during the scan bumps it afterwards, so a set that
        // may have seen the old indexes is never cached as current.
        var token = _versions.Current(query.Scope);
        var embeddings = await EmbedQueriesAsync([.. misses.Select(i => texts[i])], cancellationToken).ConfigureAwait(false);

        // Several queries (multi-query retrieval): one pass over the vectors scores them all.
        IReadOnlyList<IReadOnlyList<Vectors.VectorSearchResult>>? batched = null;
        if (misses.Count > 1 && _vectors is { } vectors)
        {
            var (visible, predicate, k) = ScanFilter(query, TypeSet(query.Types));
            batched = vectors.SearchBatch(embeddings, k, visible, predicate);
        }

        for (var m = 0; m < misses.Count; m++)
        {
            var i = misses[m];
            sets[i] = Candidates(texts[i], embeddings[m], query, batched?[m]);
            _resultCache?.Set(keys[i], (sets[i], token));
        }

        return sets;
    }

    /// <summary>Embeds query texts, serving repeated texts from the embedding cache; the misses go to the embedder in one batch.</summary>
    private async ValueTask<ReadOnlyMemory<float>[]> EmbedQueriesAsync(string[] texts, CancellationToken cancellationToken)
    {
        if (_embeddingCache is null)
        {
            return await EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
        }

        var result = new ReadOnlyMemory<float>[texts.Length];
        var misses = new List<int>();
        for (var i = 0; i < texts.Length; i++)
        {
            if (!_embeddingCache.TryGet(texts[i], out result[i]))
            {
                misses.Add(i);
            }
        }

        if (misses.Count > 0)
        {
            var embedded = await EmbedAsync([.. misses.Select(i => texts[i])], cancellationToken).ConfigureAwait(false);
            for (var m = 0; m < misses.Count; m++)
            {
                result[misses[m]] = embedded[m];
                _embeddingCache.Set(texts[misses[m]], embedded[m]);
            }
        }

        return result;
    }

    /// <summary>
    /// Invalidates the cached candidate sets a change can affect: called after the indexes changed. Access-statistics
    /// updates keep everything a candidate set depends on, so they invalidate nothing.
    /// </summary>
    private void OnIndexed(MemoryRecord? before, MemoryRecord? after)
    {
        if (_resultCache is null)
        {
            return;
        }

        if (before is not null && after is not null
            && before.Content == after.Content
            && before.Embedding.Equals(after.Embedding)
            && before.Type == after.Type
            && before.Importance.Equals(after.Importance)
            && before.Timestamp == after.Timestamp
            && ReferenceEquals(before.Metadata, after.Metadata)
            && before.Scope == after.Scope)
        {
            return;
        }

        if (before is not null)
        {
            _versions.Invalidate(before.Scope);
        }

        if (after is not null && after.Scope != before?.Scope)
        {
            _versions.Invalidate(after.Scope);
        }
    }

    private static int TypeMask(IReadOnlyCollection<MemoryType>? types)
    {
        var mask = 0;
        if (types is not null)
        {
            foreach (var type in types)
            {
                mask |= 1 << (int)type;
            }
        }

        return mask;
    }
}
