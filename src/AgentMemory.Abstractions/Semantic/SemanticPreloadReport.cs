namespace AgentMemory;

/// <summary>What <see cref="ISemanticMemory.PreloadAsync"/> did.</summary>
/// <param name="IndexBuilt">True when this call built the indexes from the stored memories (the first use of the semantic memory).</param>
/// <param name="IndexedMemories">How many memories the indexes hold.</param>
/// <param name="Important">The preloaded memories, most important first (ties: newest first).</param>
/// <param name="ReadFromStore">How many of them were read back through the store, which moves them into a tiered store's hot tier.</param>
/// <param name="WarmedQueries">How many warm-up queries had their embedding and candidate set cached.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record SemanticPreloadReport(
    bool IndexBuilt,
    int IndexedMemories,
    IReadOnlyList<MemoryRecord> Important,
    int ReadFromStore,
    int WarmedQueries);
