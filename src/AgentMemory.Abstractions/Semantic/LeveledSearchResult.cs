namespace AgentMemory;

/// <summary>A hierarchical search hit: the scored result and the level of the memory after the access was counted.</summary>
/// <param name="Result">The scored memory, as the semantic retrieval returned it.</param>
/// <param name="Level">The memory's level now.</param>
/// <param name="PromotedFrom">The level it was promoted from by this search, or null if it was not promoted.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record LeveledSearchResult(MemorySearchResult Result, MemoryLevel Level, MemoryLevel? PromotedFrom = null);
