namespace AgentMemory;

/// <summary>One task moved by pool rebalancing.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="TaskId">The task.</param>
/// <param name="FromAgent">The agent it was queued on (or that stopped heartbeating).</param>
/// <param name="ToAgent">The agent that holds it now.</param>
public sealed record AgentTaskMove(string TaskId, string FromAgent, string ToAgent);
