namespace AgentMemory;

/// <summary>A snapshot of an entry's bookkeeping, as returned by <see cref="IMemoryStore.GetEntryInfoAsync"/>.</summary>
/// <param name="Key">The entry's key.</param>
/// <param name="Kind">Whether the entry is a value, a hash or a list.</param>
/// <param name="SizeBytes">
/// The bytes the entry is charged against the store's byte budget: two bytes per key character, the serialized
/// value (for a hash: two bytes per field-name character plus each serialized field; for a list: each serialized
/// item) and the encoded metadata.
/// </param>
/// <param name="Length">1 for a value, the field count of a hash, the item count of a list.</param>
/// <param name="Priority">The entry's eviction priority.</param>
/// <param name="CreatedAt">When the key was first written (an overwrite keeps it; a write after expiry or deletion starts over).</param>
/// <param name="UpdatedAt">When the entry was last written.</param>
/// <param name="ExpiresAt">When the entry expires, or <see langword="null"/> if it does not.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryEntryInfo(
    string Key,
    MemoryEntryKind Kind,
    long SizeBytes,
    long Length,
    MemoryPriority Priority,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ExpiresAt);
