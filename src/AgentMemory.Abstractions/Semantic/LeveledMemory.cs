namespace AgentMemory;

/// <summary>A memory of a hierarchical memory with its level.</summary>
/// <param name="Memory">The memory as it is now.</param>
/// <param name="Level">The level it is at now.</param>
/// <param name="Validations">How many times it was confirmed with <see cref="IHierarchicalMemory.ValidateAsync"/>.</param>
/// <param name="PromotedFrom">The level it was promoted from by this call, or null if it was not promoted.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record LeveledMemory(MemoryRecord Memory, MemoryLevel Level, long Validations, MemoryLevel? PromotedFrom = null);
