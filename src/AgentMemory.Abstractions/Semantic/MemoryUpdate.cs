namespace AgentMemory;

/// <summary>Changes to apply to a stored semantic memory; null properties stay as they are.</summary>
/// <remarks>A plain settings object, read once by the call; not thread-safe to mutate while a call reads it.</remarks>
public sealed class MemoryUpdate
{
    /// <summary>New content (re-embedded and re-indexed); null to keep.</summary>
    public string? Content { get; set; }

    /// <summary>New type; null to keep.</summary>
    public MemoryType? Type { get; set; }

    /// <summary>New importance, from 0 to 1; null to keep.</summary>
    public double? Importance { get; set; }

    /// <summary>New metadata, replacing the old; null to keep.</summary>
    public IReadOnlyDictionary<string, MetadataValue>? Metadata { get; set; }

    /// <summary>New source ids, replacing the old; null to keep.</summary>
    public IReadOnlyList<string>? SourceIds { get; set; }
}
