namespace AgentMemory;

/// <summary>What to store as a new semantic memory.</summary>
/// <remarks>A plain settings object, read once by the call; not thread-safe to mutate while a call reads it.</remarks>
public sealed class MemoryInput
{
    /// <summary>The text of the memory; must not be empty or whitespace.</summary>
    public required string Content { get; set; }

    /// <summary>What kind of knowledge it is. Defaults to <see cref="MemoryType.Semantic"/>.</summary>
    public MemoryType Type { get; set; } = MemoryType.Semantic;

    /// <summary>Who it belongs to. Defaults to <see cref="MemoryScope.Shared"/>.</summary>
    public MemoryScope Scope { get; set; } = MemoryScope.Shared;

    /// <summary>How important it is, from 0 to 1. Defaults to 0.5.</summary>
    public double Importance { get; set; } = 0.5;

    /// <summary>Free-form metadata; null for none.</summary>
    public IReadOnlyDictionary<string, MetadataValue>? Metadata { get; set; }

    /// <summary>Ids of what the memory came from (conversation turns, documents); null for none.</summary>
    public IReadOnlyList<string>? SourceIds { get; set; }

    /// <summary>The id to store it under; null to generate one. Storing an existing id replaces that memory.</summary>
    public string? Id { get; set; }

    /// <summary>When the memory was formed; null for now.</summary>
    public DateTimeOffset? Timestamp { get; set; }
}
