namespace AgentMemory;

/// <summary>The tiers a tiered memory keeps entries in, from fastest to cheapest.</summary>
public enum MemoryTier
{
    /// <summary>The in-process hot tier: fast, bounded by its capacity, lost on exit unless persisted.</summary>
    ShortTerm = 0,

    /// <summary>The durable long-term tier (SQLite by default): survives restarts and crashes.</summary>
    LongTerm = 1,

    /// <summary>Compressed, append-only archive segments for entries consolidation retired; read back on demand.</summary>
    Archive = 2,
}
