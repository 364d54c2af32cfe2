namespace AgentMemory;

/// <summary>How a value is stored: its lifetime, eviction priority and metadata.</summary>
/// <remarks>
/// A plain settings object; the store reads it once during the call and keeps no reference to it, so reusing or
/// changing an instance afterwards does not affect stored entries. Not thread-safe to mutate while a call reads it.
/// </remarks>
public sealed class MemoryEntryOptions
{
    /// <summary>
    /// How long the entry lives from the moment it is stored. <see langword="null"/> (the default) means the entry
    /// does not expire. Must be positive. Cannot be combined with <see cref="AbsoluteExpiration"/>.
    /// </summary>
    public TimeSpan? Ttl { get; set; }

    /// <summary>
    /// The point in time at which the entry expires. Must be in the future when the entry is stored.
    /// Cannot be combined with <see cref="Ttl"/>.
    /// </summary>
    public DateTimeOffset? AbsoluteExpiration { get; set; }

    /// <summary>How strongly the entry resists eviction. Defaults to <see cref="MemoryPriority.Normal"/>.</summary>
    public MemoryPriority Priority { get; set; } = MemoryPriority.Normal;

    /// <summary>
    /// JSON-like metadata kept alongside the value (for example who created it and a schema version).
    /// Counts towards the entry's size. <see langword="null"/> or empty means no metadata.
    /// </summary>
    public IReadOnlyDictionary<string, MetadataValue>? Metadata { get; set; }

    /// <summary>
    /// The tier the entry is written to (the seed's <c>memory_type</c>). <see langword="null"/> or
    /// <see cref="MemoryTier.ShortTerm"/> writes to the hot tier; <see cref="MemoryTier.LongTerm"/> writes straight to
    /// the durable long-term tier without occupying hot memory until it is read. A store without a long-term tier
    /// rejects <see cref="MemoryTier.LongTerm"/> with an <see cref="ArgumentException"/>; <see cref="MemoryTier.Archive"/>
    /// is reached only through consolidation and is always rejected as a write target.
    /// </summary>
    public MemoryTier? Tier { get; set; }
}
