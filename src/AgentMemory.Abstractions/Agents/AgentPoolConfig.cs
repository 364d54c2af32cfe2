namespace AgentMemory;

/// <summary>The size bounds of an agent pool.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="MinSize">The fewest members the pool may have once populated; members cannot be removed below it. At least 0.</param>
/// <param name="MaxSize">The most members the pool may have. At least 1 and at least <paramref name="MinSize"/>.</param>
/// <param name="TargetSize">The size the host should keep the pool at; between the bounds.</param>
public sealed record AgentPoolConfig(int MinSize, int MaxSize, int TargetSize);
