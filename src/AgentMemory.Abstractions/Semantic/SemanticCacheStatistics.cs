namespace AgentMemory;

/// <summary>What the semantic memory's retrieval caches did since start.</summary>
/// <param name="ResultHits">Retrievals (per query text) answered from a current cached candidate set.</param>
/// <param name="ResultMisses">Retrievals that searched the indexes (stale entries included).</param>
/// <param name="ResultInvalidations">Cached candidate sets found stale because a memory visible to their scope had changed.</param>
/// <param name="ResultEntries">Candidate sets cached now.</param>
/// <param name="EmbeddingHits">Query embeddings served from the cache.</param>
/// <param name="EmbeddingMisses">Query embeddings the embedder computed.</param>
/// <param name="EmbeddingEntries">Query embeddings cached now.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record SemanticCacheStatistics(
    long ResultHits,
    long ResultMisses,
    long ResultInvalidations,
    int ResultEntries,
    long EmbeddingHits,
    long EmbeddingMisses,
    int EmbeddingEntries);
