namespace AgentMemory;

/// <summary>How well a component works, from best to worst.</summary>
public enum MemoryHealthStatus
{
    /// <summary>Working normally.</summary>
    Healthy = 0,

    /// <summary>Working, but with a problem that needs attention (near capacity, agents missing heartbeats).</summary>
    Degraded = 1,

    /// <summary>Not working.</summary>
    Unhealthy = 2,
}
