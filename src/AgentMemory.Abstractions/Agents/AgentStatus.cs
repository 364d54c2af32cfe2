namespace AgentMemory;

/// <summary>The state of a registered agent, derived from its heartbeats and its tasks.</summary>
public enum AgentStatus
{
    /// <summary>Alive (heartbeating) and working on nothing.</summary>
    Idle = 0,

    /// <summary>Alive and working, with room for more tasks.</summary>
    Working = 1,

    /// <summary>Alive and at its concurrency limit; newly assigned tasks queue.</summary>
    Saturated = 2,

    /// <summary>No heartbeat within the heartbeat TTL: not offered for new work until it heartbeats again.</summary>
    Unavailable = 3,
}
