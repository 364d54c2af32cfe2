namespace AgentMemory.Vectors;

/// <summary>One hit of a vector search.</summary>
/// <param name="Id">The id of the stored vector.</param>
/// <param name="Score">
/// The metric's value: the similarity for <see cref="VectorMetric.Cosine"/> and <see cref="VectorMetric.DotProduct"/>
/// (higher is closer), the distance for <see cref="VectorMetric.Euclidean"/> (lower is closer).
/// </param>
/// <param name="Metadata">The metadata stored with the vector (read-only; empty when none).</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public readonly record struct VectorSearchResult(string Id, float Score, IReadOnlyDictionary<string, MetadataValue> Metadata);
