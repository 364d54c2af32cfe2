namespace AgentMemory.Persistence;

/// <summary>
/// One entry as the tiers below the hot tier keep it: everything the hot tier knows about a key, in a form that can
/// be written to a database row, an archive record or a backup. Immutable.
/// </summary>
/// <remarks>
/// <see cref="Payload"/> is the value's serialized bytes for <see cref="MemoryEntryKind.Value"/>, and the
/// <c>PayloadCodec</c> encoding of the fields or items for a hash or a list. Times are UTC ticks;
/// <see cref="ExpiresTicks"/> is <see cref="long.MaxValue"/> for an entry that never expires.
/// </remarks>
internal sealed record PersistedEntry(
    string Key,
    MemoryEntryKind Kind,
    byte[] Payload,
    byte[]? Metadata,
    MemoryPriority Priority,
    long CreatedTicks,
    long UpdatedTicks,
    long LastAccessTicks,
    long ExpiresTicks,
    long AccessCount)
{
    /// <summary>The <see cref="ExpiresTicks"/> of an entry that never expires.</summary>
    public const long NoExpiry = long.MaxValue;

    /// <summary>True when the entry has expired at <paramref name="nowTicks"/>.</summary>
    public bool IsExpiredAt(long nowTicks) => nowTicks >= ExpiresTicks;
}
