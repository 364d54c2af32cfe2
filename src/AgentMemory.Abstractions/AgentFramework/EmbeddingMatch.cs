namespace AgentMemory;

/// <summary>One result of <see cref="IAgentMemory.QueryEmbeddingsAsync"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="Id">The embedding's id.</param>
/// <param name="Score">Cosine similarity to the query, from -1 to 1; higher is closer.</param>
/// <param name="Metadata">The metadata indexed with the embedding.</param>
public sealed record EmbeddingMatch(string Id, float Score, IReadOnlyDictionary<string, MetadataValue> Metadata);
