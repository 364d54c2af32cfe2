namespace AgentMemory;

/// <summary>A task held by an agent.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="Task">The task.</param>
/// <param name="AgentId">The agent that holds it.</param>
/// <param name="State">Whether it runs or waits.</param>
/// <param name="AssignedAt">When it was assigned to this agent.</param>
public sealed record AgentTaskAssignment(AgentTask Task, string AgentId, AgentTaskState State, DateTimeOffset AssignedAt);
