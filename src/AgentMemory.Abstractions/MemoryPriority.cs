namespace AgentMemory;

/// <summary>
/// How strongly an entry resists eviction. When a store is over its capacity it evicts
/// <see cref="Low"/> entries first, then <see cref="Normal"/>, <see cref="High"/> and finally
/// <see cref="Critical"/>; within one priority the least recently used entry goes first.
/// </summary>
public enum MemoryPriority
{
    /// <summary>Evicted first: cheap-to-recompute context, caches.</summary>
    Low = 0,

    /// <summary>The default priority.</summary>
    Normal = 1,

    /// <summary>Evicted only after every <see cref="Low"/> and <see cref="Normal"/> entry.</summary>
    High = 2,

    /// <summary>Evicted last, only when nothing of lower priority is left.</summary>
    Critical = 3,
}
