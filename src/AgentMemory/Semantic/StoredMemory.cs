namespace AgentMemory.Semantic;

/// <summary>A memory as the semantic memory keeps it: the public record plus when its importance was last decayed.</summary>
/// <param name="Record">The memory.</param>
/// <param name="DecayedAt">When consolidation last decayed its importance (its timestamp if never).</param>
internal sealed record StoredMemory(MemoryRecord Record, DateTimeOffset DecayedAt);
