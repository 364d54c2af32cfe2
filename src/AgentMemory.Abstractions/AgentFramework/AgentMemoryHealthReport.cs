namespace AgentMemory;

/// <summary>The result of <see cref="IAgentMemory.CheckHealthAsync"/>: each component's health and the worst of them.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="Status">The worst component status.</param>
/// <param name="Components">Each component's health.</param>
/// <param name="CheckedAt">When the check ran.</param>
public sealed record AgentMemoryHealthReport(MemoryHealthStatus Status, IReadOnlyList<ComponentHealth> Components, DateTimeOffset CheckedAt);
