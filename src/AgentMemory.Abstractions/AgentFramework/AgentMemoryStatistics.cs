namespace AgentMemory;

/// <summary>Counts over what the agent memory holds, from <see cref="IAgentMemory.GetStatisticsAsync"/>.</summary>
/// <remarks>Immutable and thread-safe. Counted one after another without stopping writers.</remarks>
/// <param name="Store">The underlying store's counters.</param>
/// <param name="Contexts">Live contexts.</param>
/// <param name="Flows">Flows with run history.</param>
/// <param name="FlowRunRecords">Run-history entries over all flows.</param>
/// <param name="TaskOutputs">Stored task outputs.</param>
/// <param name="Embeddings">Indexed embeddings.</param>
/// <param name="RegisteredAgents">Registered agents, or 0 without an agent manager.</param>
/// <param name="AliveAgents">Registered agents that are heartbeating.</param>
public sealed record AgentMemoryStatistics(
    MemoryStatistics Store,
    long Contexts,
    long Flows,
    long FlowRunRecords,
    long TaskOutputs,
    long Embeddings,
    int RegisteredAgents,
    int AliveAgents);
