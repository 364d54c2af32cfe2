using Microsoft.Extensions.AI;

namespace AgentMemory.Semantic;

/// <summary>Statistics and health.</summary>
public sealed partial class SemanticMemory
{
    /// <inheritdoc/>
    public async ValueTask<SemanticMemoryStatistics> GetStatisticsAsync(MemoryScope? scope = null, CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var records = _records.Values.Select(s => s.Record).Where(r => scope is null || r.Scope.IsVisibleTo(scope)).ToList();
        var byType = Enum.GetValues<MemoryType>().ToDictionary(t => t, t => records.Count(r => r.Type == t));
        var (retrievals, averageRelevance, p50, p95, p99) = _retrievalStats.Snapshot();
        return new SemanticMemoryStatistics(
            records.Count,
            byType,
            records.Count == 0 ? 0 : records.Average(r => r.Importance),
            retrievals,
            averageRelevance,
            p50,
            p95,
            p99,
            CacheStatistics());
    }

    /// <inheritdoc/>
    public async ValueTask<SemanticMemoryHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var metadata = _embedder.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata;
        var name = $"{metadata?.ProviderName ?? _embedder.GetType().Name}/{metadata?.DefaultModelId ?? "unknown model"}";
        if (_builtInEmbedder)
        {
            name += " (built-in feature hashing; register an IEmbeddingGenerator for better recall)";
        }

        var dimensions = 0;
        try
        {
            await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
            dimensions = (await EmbedAsync(["health check"], cancellationToken).ConfigureAwait(false))[0].Length;
        }
        catch (Exception ex) when (ex is EmbeddingException or MemoryException)
        {
            problems.Add($"The embedder or store failed: {ex.Message}");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        int count;
        int vectorCount;
        int keywordCount;
        try
        {
            count = _records.Count;
            vectorCount = _vectors?.Count ?? 0;
            keywordCount = _keywords.Count;
            foreach (var id in _records.Keys)
            {
                if (_vectors?.Contains(id) != true)
                {
                    problems.Add($"The memory '{id}' is missing from the vector index.");
                }

                if (!_keywords.Contains(id))
                {
                    problems.Add($"The memory '{id}' is missing from the keyword index.");
                }
            }

            if (vectorCount != count || keywordCount != count)
            {
                problems.Add($"Index sizes disagree: {count} memories, {vectorCount} vectors, {keywordCount} keyword documents.");
            }

            var stored = 0;
            await foreach (var key in _store.EnumerateKeysAsync(_memoryPrefix + "*", 1000, cancellationToken).ConfigureAwait(false))
            {
                stored++;
                if (!_records.ContainsKey(key[_memoryPrefix.Length..]))
                {
                    problems.Add($"The store holds '{key}', which is not indexed.");
                }
            }

            if (stored < count)
            {
                problems.Add($"The store holds {stored} memories but {count} are indexed: some were evicted or deleted behind the semantic memory's back.");
            }
        }
        finally
        {
            _gate.Release();
        }

        if (_skippedOnLoad > 0)
        {
            problems.Add($"{_skippedOnLoad} corrupt stored memories were skipped at start-up.");
        }

        return new SemanticMemoryHealth(problems.Count == 0, name, _builtInEmbedder, dimensions, count, vectorCount, keywordCount, problems);
    }
}
