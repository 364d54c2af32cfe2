using System.Collections.Immutable;

namespace AgentMemory.Storage;

/// <summary>
/// One immutable version of an entry: its payload, metadata and bookkeeping. Writers publish a new version with a
/// single volatile write, so a lock-free reader always sees a consistent entry.
/// </summary>
internal sealed class EntryState
{
    /// <summary>The <see cref="ExpiresTicks"/> of an entry that never expires.</summary>
    public const long NoExpiry = long.MaxValue;

    public EntryState(
        MemoryEntryKind kind,
        object payload,
        long payloadSize,
        long length,
        byte[]? metadata,
        MemoryPriority priority,
        long createdTicks,
        long updatedTicks,
        long expiresTicks,
        long keySize)
    {
        Kind = kind;
        Payload = payload;
        PayloadSize = payloadSize;
        Length = length;
        Metadata = metadata;
        Priority = priority;
        CreatedTicks = createdTicks;
        UpdatedTicks = updatedTicks;
        ExpiresTicks = expiresTicks;
        KeySize = keySize;
        Size = keySize + payloadSize + (metadata?.Length ?? 0);
    }

    public MemoryEntryKind Kind { get; }

    /// <summary>A <c>byte[]</c> for a value, an <see cref="ImmutableDictionary{TKey, TValue}"/> of field bytes for a hash, an <see cref="ImmutableList{T}"/> of item bytes for a list.</summary>
    public object Payload { get; }

    public long PayloadSize { get; }

    public long Length { get; }

    public byte[]? Metadata { get; }

    public MemoryPriority Priority { get; }

    public long CreatedTicks { get; }

    public long UpdatedTicks { get; }

    public long ExpiresTicks { get; }

    /// <summary>Two bytes per key character.</summary>
    public long KeySize { get; }

    /// <summary>The bytes charged to the store's budget: key, payload and metadata.</summary>
    public long Size { get; }

    public byte[] Value => (byte[])Payload;

    public ImmutableDictionary<string, byte[]> Hash => (ImmutableDictionary<string, byte[]>)Payload;

    public ImmutableList<byte[]> List => (ImmutableList<byte[]>)Payload;

    public bool IsExpiredAt(long nowTicks) => nowTicks >= ExpiresTicks;

    /// <summary>A new version with another payload of the same or another kind; metadata, priority, expiry and creation time stay.</summary>
    public EntryState WithPayload(MemoryEntryKind kind, object payload, long payloadSize, long length, long updatedTicks) =>
        new(kind, payload, payloadSize, length, Metadata, Priority, CreatedTicks, updatedTicks, ExpiresTicks, KeySize);

    /// <summary>A new version with other metadata; everything else stays.</summary>
    public EntryState WithMetadata(byte[]? metadata, long updatedTicks) =>
        new(Kind, Payload, PayloadSize, Length, metadata, Priority, CreatedTicks, updatedTicks, ExpiresTicks, KeySize);

    public MemoryEntryInfo ToInfo(string key) => new(
        key,
        Kind,
        Size,
        Length,
        Priority,
        new DateTimeOffset(CreatedTicks, TimeSpan.Zero),
        new DateTimeOffset(UpdatedTicks, TimeSpan.Zero),
        ExpiresTicks == NoExpiry ? null : new DateTimeOffset(ExpiresTicks, TimeSpan.Zero));
}
