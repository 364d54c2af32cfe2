namespace AgentMemory;

/// <summary>Where an assigned task stands on its agent.</summary>
public enum AgentTaskState
{
    /// <summary>The agent is working on it.</summary>
    Running = 0,

    /// <summary>Waiting for a free slot on the agent; rebalancing may move it to another agent.</summary>
    Queued = 1,
}
