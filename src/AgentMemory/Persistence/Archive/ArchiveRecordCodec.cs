using MessagePack;

namespace AgentMemory.Persistence.Archive;

/// <summary>
/// Encodes <see cref="PersistedEntry"/> records and tombstones as MessagePack arrays, the record shape the archive's
/// blocks and the backup format's chunks share. An entry is
/// <c>[0, key, kind, payload, metadata|nil, priority, created, updated, lastAccess, expires, accessCount]</c>;
/// a tombstone is <c>[1, key]</c>. Decoding treats the bytes as untrusted and checks every field.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class ArchiveRecordCodec
{
    private const int EntryTag = 0;
    private const int TombstoneTag = 1;
    private const int EntryFields = 11;

    /// <summary>Writes one entry record.</summary>
    public static void WriteEntry(ref MessagePackWriter writer, PersistedEntry entry)
    {
        writer.WriteArrayHeader(EntryFields);
        writer.Write(EntryTag);
        writer.Write(entry.Key);
        writer.Write((int)entry.Kind);
        writer.Write(entry.Payload);
        if (entry.Metadata is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(entry.Metadata);
        }

        writer.Write((int)entry.Priority);
        writer.Write(entry.CreatedTicks);
        writer.Write(entry.UpdatedTicks);
        writer.Write(entry.LastAccessTicks);
        writer.Write(entry.ExpiresTicks);
        writer.Write(entry.AccessCount);
    }

    /// <summary>Writes one tombstone record: the key was removed.</summary>
    public static void WriteTombstone(ref MessagePackWriter writer, string key)
    {
        writer.WriteArrayHeader(2);
        writer.Write(TombstoneTag);
        writer.Write(key);
    }

    /// <summary>Reads one record: the entry, or null with the removed key for a tombstone.</summary>
    /// <exception cref="InvalidDataException">The record is not well-formed.</exception>
    /// <exception cref="MessagePackSerializationException">The bytes are not valid MessagePack.</exception>
    public static PersistedEntry? Read(ref MessagePackReader reader, out string key)
    {
        if (!ReadHead(ref reader, out key))
        {
            return null;
        }

        var kind = ReadKind(ref reader, key);
        var payload = ReadBytes(ref reader) ?? throw new InvalidDataException($"The record for '{key}' has no payload.");
        var metadata = ReadBytes(ref reader);
        return new PersistedEntry(
            key,
            kind,
            payload,
            metadata,
            ReadPriority(ref reader, key),
            CreatedTicks: reader.ReadInt64(),
            UpdatedTicks: reader.ReadInt64(),
            LastAccessTicks: reader.ReadInt64(),
            ExpiresTicks: reader.ReadInt64(),
            AccessCount: reader.ReadInt64());
    }

    /// <summary>
    /// Reads what an index needs from one record (its key, whether it is an entry, its expiry) and checks every
    /// field as <see cref="Read"/> does, without copying the payload or metadata.
    /// </summary>
    /// <returns>True for an entry; false for a tombstone (<paramref name="expiresTicks"/> is then 0).</returns>
    /// <exception cref="InvalidDataException">The record is not well-formed.</exception>
    /// <exception cref="MessagePackSerializationException">The bytes are not valid MessagePack.</exception>
    public static bool ReadIndexFields(ref MessagePackReader reader, out string key, out long expiresTicks)
    {
        expiresTicks = 0;
        if (!ReadHead(ref reader, out key))
        {
            return false;
        }

        ReadKind(ref reader, key);
        if (reader.TryReadNil() || reader.ReadBytes() is null)
        {
            throw new InvalidDataException($"The record for '{key}' has no payload.");
        }

        if (!reader.TryReadNil())
        {
            _ = reader.ReadBytes() ?? throw new InvalidDataException($"The record for '{key}' has a missing metadata field.");
        }

        ReadPriority(ref reader, key);
        reader.ReadInt64();
        reader.ReadInt64();
        reader.ReadInt64();
        expiresTicks = reader.ReadInt64();
        reader.ReadInt64();
        return true;
    }

    /// <summary>Reads a record's array header, tag and key; true for an entry, false for a tombstone.</summary>
    private static bool ReadHead(ref MessagePackReader reader, out string key)
    {
        var count = reader.ReadArrayHeader();
        if (count < 2)
        {
            throw new InvalidDataException($"A record has {count} fields; it needs at least 2.");
        }

        var tag = reader.ReadInt32();
        key = reader.ReadString() ?? throw new InvalidDataException("A record has a null key.");
        if (tag == TombstoneTag)
        {
            ExpectFields(count, 2, "tombstone");
            return false;
        }

        if (tag != EntryTag)
        {
            throw new InvalidDataException($"A record has the unknown tag {tag}.");
        }

        ExpectFields(count, EntryFields, "entry");
        return true;
    }

    private static MemoryEntryKind ReadKind(ref MessagePackReader reader, string key)
    {
        var kind = (MemoryEntryKind)reader.ReadInt32();
        return Enum.IsDefined(kind) ? kind : throw new InvalidDataException($"The record for '{key}' has the unknown kind {(int)kind}.");
    }

    private static MemoryPriority ReadPriority(ref MessagePackReader reader, string key)
    {
        var priority = (MemoryPriority)reader.ReadInt32();
        return Enum.IsDefined(priority) ? priority : throw new InvalidDataException($"The record for '{key}' has the unknown priority {(int)priority}.");
    }

    /// <summary>Throws unless <paramref name="entry"/> can be written: not null, a non-empty key, a payload.</summary>
    /// <exception cref="ArgumentNullException">The entry is null.</exception>
    /// <exception cref="ArgumentException">The entry's key is empty or its payload is null.</exception>
    public static void CheckEntry(PersistedEntry entry, string paramName)
    {
        ArgumentNullException.ThrowIfNull(entry, paramName);
        if (string.IsNullOrEmpty(entry.Key))
        {
            throw new ArgumentException("An archived entry must have a non-empty key.", paramName);
        }

        if (entry.Payload is null)
        {
            throw new ArgumentException($"The entry '{entry.Key}' has a null payload.", paramName);
        }
    }

    private static byte[]? ReadBytes(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        var sequence = reader.ReadBytes() ?? throw new InvalidDataException("A binary field is missing.");
        return System.Buffers.BuffersExtensions.ToArray(sequence);
    }

    private static void ExpectFields(int count, int expected, string what)
    {
        if (count != expected)
        {
            throw new InvalidDataException($"A {what} record has {count} fields instead of {expected}.");
        }
    }
}
