namespace AgentMemory;

/// <summary>What a consolidation policy sees of one entry.</summary>
/// <param name="Key">The entry's key.</param>
/// <param name="Tier">The tier the entry is in now (<see cref="MemoryTier.ShortTerm"/> or <see cref="MemoryTier.LongTerm"/>).</param>
/// <param name="Priority">The entry's priority.</param>
/// <param name="SizeBytes">The entry's payload size in bytes.</param>
/// <param name="CreatedAt">When the entry was first stored.</param>
/// <param name="UpdatedAt">When the entry was last written.</param>
/// <param name="LastAccessAt">When a read was last observed (hot entries: to the resolution of the consolidation interval), or <see langword="null"/> for never.</param>
/// <param name="AccessCount">How many reads found the entry (approximate under concurrent reads).</param>
/// <param name="ExpiresAt">When the entry expires, or <see langword="null"/> for never.</param>
/// <param name="Metadata">The entry's metadata (empty for none).</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record ConsolidationCandidate(
    string Key,
    MemoryTier Tier,
    MemoryPriority Priority,
    long SizeBytes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastAccessAt,
    long AccessCount,
    DateTimeOffset? ExpiresAt,
    IReadOnlyDictionary<string, MetadataValue> Metadata)
{
    /// <summary>The last time the entry was read or written.</summary>
    public DateTimeOffset LastUsedAt => LastAccessAt is { } read && read > UpdatedAt ? read : UpdatedAt;
}
