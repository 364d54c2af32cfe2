namespace AgentMemory;

/// <summary>
/// One change of a memory store, as delivered by <see cref="IMemoryStreaming"/>: which key, what happened, the value
/// before and after where the store knows it, and the change's place in the feed.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Changes of one feed carry strictly increasing <see cref="Sequence"/> numbers without
/// holes: a subscriber that sees 41 and then 43 knows that 42 was filtered out or dropped, never reordered.
/// </remarks>
public sealed record MemoryChange
{
    /// <summary>The change's position in the feed: 1 for the first change, then one more for each change.</summary>
    public required long Sequence { get; init; }

    /// <summary>The key of the entry that changed.</summary>
    public required string Key { get; init; }

    /// <summary>What happened.</summary>
    public required MemoryChangeType ChangeType { get; init; }

    /// <summary>When the feed recorded the change (never earlier than the change before it).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>
    /// The serialized value before the change, for a plain value entry that existed before it; null otherwise
    /// (a created entry, a hash or list entry). The memory is the store's own immutable copy: do not write to it.
    /// </summary>
    public ReadOnlyMemory<byte>? OldValue { get; init; }

    /// <summary>The serialized value after the change, for a plain value entry that exists after it; null otherwise.</summary>
    public ReadOnlyMemory<byte>? NewValue { get; init; }

    /// <summary>The entry's metadata after the change (before it, for a removal); null when it has none.</summary>
    public IReadOnlyDictionary<string, MetadataValue>? Metadata { get; init; }
}
