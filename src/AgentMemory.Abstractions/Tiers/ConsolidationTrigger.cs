namespace AgentMemory;

/// <summary>What started a consolidation pass.</summary>
public enum ConsolidationTrigger
{
    /// <summary>A caller asked for it (<see cref="ITieredMemoryStore.ConsolidateAsync"/>).</summary>
    Manual = 0,

    /// <summary>The configured interval elapsed on the store's clock.</summary>
    Interval = 1,

    /// <summary>The hot tier went above its configured capacity threshold.</summary>
    Capacity = 2,
}
