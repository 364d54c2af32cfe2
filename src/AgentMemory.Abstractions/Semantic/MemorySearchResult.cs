namespace AgentMemory;

/// <summary>A retrieved semantic memory with its score and the parts the score is made of.</summary>
/// <param name="Memory">The memory (as it was before this retrieval counted as an access).</param>
/// <param name="Score">The combined score: the weighted mean of <paramref name="Relevance"/> (scaled so that the most relevant candidate of the query has 1), <paramref name="Recency"/> and <paramref name="Importance"/>.</param>
/// <param name="Relevance">How well the memory matches the query, from 0 to 1 (vector similarity fused with keyword match).</param>
/// <param name="Recency">Exponential decay since the memory was last accessed (or formed), from 1 (now) towards 0.</param>
/// <param name="Importance">The memory's importance, from 0 to 1.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record MemorySearchResult(MemoryRecord Memory, double Score, double Relevance, double Recency, double Importance);
