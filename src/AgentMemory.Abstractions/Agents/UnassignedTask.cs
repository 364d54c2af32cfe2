namespace AgentMemory;

/// <summary>A task that coordination could not place.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="Task">The task.</param>
/// <param name="Reason">Why no agent took it.</param>
public sealed record UnassignedTask(AgentTask Task, string Reason);
