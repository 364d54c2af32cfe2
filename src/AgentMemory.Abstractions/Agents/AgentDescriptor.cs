namespace AgentMemory;

/// <summary>A registered agent as an <see cref="IAgentManager"/> sees it now.</summary>
/// <remarks>Immutable and thread-safe; a snapshot that does not change when the agent does.</remarks>
/// <param name="Info">What the agent registered with.</param>
/// <param name="Capabilities">What the agent can do.</param>
/// <param name="Status">Its state now.</param>
/// <param name="RegisteredAt">When it (last) registered.</param>
/// <param name="LastHeartbeat">When it last heartbeated (registering counts as one).</param>
/// <param name="RunningTasks">Tasks it is working on.</param>
/// <param name="QueuedTasks">Tasks assigned to it beyond its concurrency limit, waiting.</param>
public sealed record AgentDescriptor(
    AgentInfo Info,
    IReadOnlyList<string> Capabilities,
    AgentStatus Status,
    DateTimeOffset RegisteredAt,
    DateTimeOffset LastHeartbeat,
    int RunningTasks,
    int QueuedTasks)
{
    /// <summary>The agent's identifier.</summary>
    public string Id => Info.Id;

    /// <summary>Running plus queued tasks.</summary>
    public int Load => RunningTasks + QueuedTasks;

    /// <summary>Whether the agent is heartbeating.</summary>
    public bool IsAlive => Status != AgentStatus.Unavailable;
}
