namespace AgentMemory;

/// <summary>The health of one component of the agent memory.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="Component">The component (<c>"store"</c>, <c>"locks"</c>, <c>"agents"</c>, <c>"embeddings"</c>).</param>
/// <param name="Status">Its health.</param>
/// <param name="Reasons">Why it is not healthy, or what was checked; never null.</param>
public sealed record ComponentHealth(string Component, MemoryHealthStatus Status, IReadOnlyList<string> Reasons);
