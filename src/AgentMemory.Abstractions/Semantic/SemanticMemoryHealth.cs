namespace AgentMemory;

/// <summary>The state of a semantic memory: index consistency and embedder status.</summary>
/// <param name="IsHealthy">True when the embedder works and every index agrees with the stored memories.</param>
/// <param name="Embedder">The embedder's name (provider and model, or the built-in hashing embedder).</param>
/// <param name="UsesBuiltInEmbedder">True when no embedding generator was registered and the built-in feature-hashing embedder is in use; a real embedding model gives better recall.</param>
/// <param name="Dimensions">The embedding dimensions.</param>
/// <param name="MemoryCount">How many memories are held.</param>
/// <param name="VectorIndexCount">How many vectors the vector index holds (equals <paramref name="MemoryCount"/> when consistent).</param>
/// <param name="KeywordIndexCount">How many documents the keyword index holds (equals <paramref name="MemoryCount"/> when consistent).</param>
/// <param name="Problems">What is wrong, one line each; empty when healthy.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record SemanticMemoryHealth(
    bool IsHealthy,
    string Embedder,
    bool UsesBuiltInEmbedder,
    int Dimensions,
    int MemoryCount,
    int VectorIndexCount,
    int KeywordIndexCount,
    IReadOnlyList<string> Problems);
