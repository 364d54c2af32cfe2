namespace AgentMemory.Search;

/// <summary>One ranked hit of a keyword search or of a fusion of several rankings.</summary>
/// <param name="Id">The id of the document or memory.</param>
/// <param name="Score">Its score; higher is better. BM25 scores are unbounded; fused scores depend on the fusion method.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public readonly record struct SearchHit(string Id, double Score);
