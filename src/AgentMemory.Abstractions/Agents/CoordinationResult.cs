namespace AgentMemory;

/// <summary>What <see cref="IAgentManager.CoordinateAsync"/> did: which agent got which task, and which tasks found no agent.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="Strategy">The strategy used.</param>
/// <param name="Assignments">The tasks assigned, in request order.</param>
/// <param name="Unassigned">The tasks no eligible agent could take, with the reason.</param>
public sealed record CoordinationResult(CoordinationStrategy Strategy, IReadOnlyList<AgentTaskAssignment> Assignments, IReadOnlyList<UnassignedTask> Unassigned);
