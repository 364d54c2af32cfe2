namespace AgentMemory;

/// <summary>What <see cref="IHierarchicalMemory.ConsolidateAsync"/> did.</summary>
/// <param name="Promoted">Every promotion, in the order made (a memory may climb several levels).</param>
/// <param name="ExpiredIds">Memories of short-lived levels deleted because they went unaccessed longer than their level allows.</param>
/// <param name="EvictedIds">Memories deleted because their level held more than its capacity for their scope (least important, least recently used first).</param>
/// <param name="CountByLevel">How many memories each level holds afterwards (within the consolidated scope).</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record HierarchyConsolidationReport(
    IReadOnlyList<LevelChange> Promoted,
    IReadOnlyList<string> ExpiredIds,
    IReadOnlyList<string> EvictedIds,
    IReadOnlyDictionary<MemoryLevel, int> CountByLevel);
