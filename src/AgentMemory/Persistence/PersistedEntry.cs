namespace AgentMemory.Persistence;

/// <summary>
/// One entry as the tiers below the hot tier keep it: everything the hot tier knows about a key, in a form that can
/// be written to a database row, an archive record or a backup. This is the row an <see cref="ILongTermStore"/>
/// stores and returns.
/// </summary>
/// <param name="Key">The entry's key.</param>
/// <param name="Kind">Whether the entry is a value, a hash or a list.</param>
/// <param name="Payload">
/// The value's serialized bytes for <see cref="MemoryEntryKind.Value"/>; for a hash or a list, the engine's MessagePack
/// encoding of the fields or items. Opaque to a long-term store, which must return exactly the bytes it was given.
/// </param>
/// <param name="Metadata">The entry's metadata as the engine's MessagePack map, or null for none. A store may keep it in another form (PostgreSQL keeps JSONB) as long as it decodes to the same metadata.</param>
/// <param name="Priority">The eviction priority.</param>
/// <param name="CreatedTicks">When the key was first written (UTC ticks).</param>
/// <param name="UpdatedTicks">When the entry was last written (UTC ticks).</param>
/// <param name="LastAccessTicks">When the entry was last read or written (UTC ticks).</param>
/// <param name="ExpiresTicks">When the entry expires (UTC ticks), or <see cref="NoExpiry"/>.</param>
/// <param name="AccessCount">How many times the entry has been read.</param>
/// <remarks>
/// Immutable and thread-safe as long as nobody changes the arrays it holds: the engine never does, and a store must
/// not either. Times come from the store's <see cref="TimeProvider"/>, so they are logical times that every tier
/// compares with the same clock.
/// </remarks>
#pragma warning disable CA1819 // The payload is the stored bytes themselves; copying them on every access would defeat the zero-copy read path.
public sealed record PersistedEntry(
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
#pragma warning restore CA1819
{
    /// <summary>The <see cref="ExpiresTicks"/> of an entry that never expires.</summary>
    public const long NoExpiry = long.MaxValue;

    /// <summary>True when the entry has expired at <paramref name="nowTicks"/>.</summary>
    /// <param name="nowTicks">The current time (UTC ticks).</param>
    /// <returns>Whether <paramref name="nowTicks"/> is at or after <see cref="ExpiresTicks"/>.</returns>
    public bool IsExpiredAt(long nowTicks) => nowTicks >= ExpiresTicks;
}
