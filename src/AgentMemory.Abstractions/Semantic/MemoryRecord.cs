namespace AgentMemory;

/// <summary>A semantic memory: content with a type, importance, provenance, scope, access statistics and embedding.</summary>
/// <remarks>
/// An immutable snapshot: a semantic memory hands out records and never changes one afterwards (an update produces
/// a new record). Thread-safe.
/// </remarks>
public sealed class MemoryRecord
{
    /// <summary>The memory's id, unique within the semantic memory.</summary>
    public required string Id { get; init; }

    /// <summary>The text of the memory.</summary>
    public required string Content { get; init; }

    /// <summary>What kind of knowledge it is.</summary>
    public MemoryType Type { get; init; }

    /// <summary>Who it belongs to.</summary>
    public MemoryScope Scope { get; init; } = MemoryScope.Shared;

    /// <summary>When the memory was formed.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>How important it is, from 0 (trivial) to 1 (essential).</summary>
    public double Importance { get; init; }

    /// <summary>How many times a retrieval returned it.</summary>
    public long AccessCount { get; init; }

    /// <summary>When a retrieval last returned it, or null if never.</summary>
    public DateTimeOffset? LastAccessedAt { get; init; }

    /// <summary>Free-form metadata, filterable with <see cref="MetadataFilter"/>.</summary>
    public IReadOnlyDictionary<string, MetadataValue> Metadata { get; init; } = new Dictionary<string, MetadataValue>();

    /// <summary>Where the memory came from: ids of conversation turns, documents or memories it was derived or merged from.</summary>
    public IReadOnlyList<string> SourceIds { get; init; } = [];

    /// <summary>The embedding of <see cref="Content"/>, as the semantic memory's embedder produced it.</summary>
    public ReadOnlyMemory<float> Embedding { get; init; }
}
