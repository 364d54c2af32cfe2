namespace AgentMemory;

/// <summary>A request for the semantic memories most relevant to a text, with filters and a limit.</summary>
/// <remarks>A plain settings object, read once by the call; not thread-safe to mutate while a call reads it.</remarks>
public sealed class MemoryQuery
{
    /// <summary>The text to find relevant memories for; must not be empty or whitespace.</summary>
    public required string Text { get; set; }

    /// <summary>Whose memories to search; see <see cref="MemoryScope"/> for what is visible. Defaults to <see cref="MemoryScope.Shared"/>.</summary>
    public MemoryScope Scope { get; set; } = MemoryScope.Shared;

    /// <summary>Only memories of these types; null or empty for all types.</summary>
    public IReadOnlyCollection<MemoryType>? Types { get; set; }

    /// <summary>Only memories whose relevance (0..1) is at least this. Defaults to 0. Memories with no relevance at all (no similarity, no shared keyword) are never returned.</summary>
    public double MinRelevance { get; set; }

    /// <summary>Only memories whose importance is at least this. Defaults to 0.</summary>
    public double MinImportance { get; set; }

    /// <summary>Only memories formed at or after this time; null for no lower bound.</summary>
    public DateTimeOffset? From { get; set; }

    /// <summary>Only memories formed before this time; null for no upper bound.</summary>
    public DateTimeOffset? To { get; set; }

    /// <summary>Only memories whose metadata passes this filter; null for all.</summary>
    public MetadataFilter? Filter { get; set; }

    /// <summary>The most memories to return; at least 1. Defaults to 10.</summary>
    public int Limit { get; set; } = 10;

    /// <summary>Whether returned memories count as accessed (access count and last access time). Defaults to true.</summary>
    public bool UpdateAccessStatistics { get; set; } = true;
}
