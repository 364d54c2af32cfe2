namespace AgentMemory;

/// <summary>Counts and retrieval figures of a semantic memory.</summary>
/// <param name="Count">How many memories are visible to the scope asked about.</param>
/// <param name="CountByType">How many of each type.</param>
/// <param name="AverageImportance">The mean importance (0 when there are none).</param>
/// <param name="Retrievals">How many retrievals ran since start.</param>
/// <param name="AverageRelevance">The mean relevance of the memories retrievals returned (0 when none).</param>
/// <param name="RetrievalLatencyP50">The median latency of recent retrievals (embedding included).</param>
/// <param name="RetrievalLatencyP95">The 95th percentile latency of recent retrievals.</param>
/// <param name="RetrievalLatencyP99">The 99th percentile latency of recent retrievals.</param>
/// <param name="Cache">What the retrieval caches did; null when the implementation has none.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record SemanticMemoryStatistics(
    int Count,
    IReadOnlyDictionary<MemoryType, int> CountByType,
    double AverageImportance,
    long Retrievals,
    double AverageRelevance,
    TimeSpan RetrievalLatencyP50,
    TimeSpan RetrievalLatencyP95,
    TimeSpan RetrievalLatencyP99,
    SemanticCacheStatistics? Cache = null);
