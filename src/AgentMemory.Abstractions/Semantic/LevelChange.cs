namespace AgentMemory;

/// <summary>One memory moved between levels.</summary>
/// <param name="Id">The memory id.</param>
/// <param name="From">The level it left.</param>
/// <param name="To">The level it entered.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public sealed record LevelChange(string Id, MemoryLevel From, MemoryLevel To);
