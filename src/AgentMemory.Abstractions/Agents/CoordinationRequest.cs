namespace AgentMemory;

/// <summary>A set of tasks to distribute across agents with <see cref="IAgentManager.CoordinateAsync"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="Tasks">The tasks, distributed in order.</param>
/// <param name="Strategy">How to pick an agent for each task.</param>
public sealed record CoordinationRequest(IReadOnlyList<AgentTask> Tasks, CoordinationStrategy Strategy)
{
    /// <summary>The agents to choose from; null for every registered agent.</summary>
    public IReadOnlyList<string>? Agents { get; init; }
}
