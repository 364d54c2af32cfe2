using System.Buffers;
using System.Collections.Immutable;
using AgentMemory.Storage;
using MessagePack;

namespace AgentMemory.Persistence;

/// <summary>
/// Converts between the hot tier's in-memory entry versions and <see cref="PersistedEntry"/>: a value's bytes are
/// kept as they are; a hash becomes a MessagePack map of field to bin, a list a MessagePack array of bin.
/// Decoding treats the bytes as untrusted.
/// </summary>
internal static class PayloadCodec
{
    private static readonly ImmutableDictionary<string, byte[]> EmptyHash = ImmutableDictionary.Create<string, byte[]>(StringComparer.Ordinal);

    /// <summary>The persisted form of a hot-tier entry version.</summary>
    public static PersistedEntry ToPersisted(string key, EntryState state, long lastAccessTicks, long accessCount) => new(
        key,
        state.Kind,
        EncodePayload(state),
        state.Metadata,
        state.Priority,
        state.CreatedTicks,
        state.UpdatedTicks,
        Math.Max(lastAccessTicks, state.UpdatedTicks),
        state.ExpiresTicks,
        accessCount);

    /// <summary>The hot-tier entry version for a persisted entry.</summary>
    /// <exception cref="MemoryStorageException">The payload is not a valid encoding of the entry's kind.</exception>
    public static EntryState ToState(PersistedEntry entry)
    {
        var keySize = 2L * entry.Key.Length;
        try
        {
            switch (entry.Kind)
            {
                case MemoryEntryKind.Value:
                    return new EntryState(MemoryEntryKind.Value, entry.Payload, entry.Payload.Length, 1, entry.Metadata, entry.Priority, entry.CreatedTicks, entry.UpdatedTicks, entry.ExpiresTicks, keySize);
                case MemoryEntryKind.Hash:
                    {
                        var (hash, size) = DecodeHash(entry.Payload);
                        return new EntryState(MemoryEntryKind.Hash, hash, size, hash.Count, entry.Metadata, entry.Priority, entry.CreatedTicks, entry.UpdatedTicks, entry.ExpiresTicks, keySize);
                    }

                case MemoryEntryKind.List:
                    {
                        var (list, size) = DecodeList(entry.Payload);
                        return new EntryState(MemoryEntryKind.List, list, size, list.Count, entry.Metadata, entry.Priority, entry.CreatedTicks, entry.UpdatedTicks, entry.ExpiresTicks, keySize);
                    }

                default:
                    throw new MemoryStorageException(entry.Key, $"The stored entry for key '{entry.Key}' has the unknown kind {(int)entry.Kind}.", null);
            }
        }
        catch (MessagePackSerializationException ex)
        {
            throw new MemoryStorageException(entry.Key, $"The stored {entry.Kind.ToString().ToLowerInvariant()} for key '{entry.Key}' is corrupt: {ex.Message}", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new MemoryStorageException(entry.Key, $"The stored {entry.Kind.ToString().ToLowerInvariant()} for key '{entry.Key}' is truncated.", ex);
        }
    }

    private static byte[] EncodePayload(EntryState state)
    {
        switch (state.Kind)
        {
            case MemoryEntryKind.Value:
                return state.Value;
            case MemoryEntryKind.Hash:
                {
                    var buffer = new ArrayBufferWriter<byte>((int)Math.Min(int.MaxValue, state.PayloadSize + 16));
                    var writer = new MessagePackWriter(buffer);
                    var hash = state.Hash;
                    writer.WriteMapHeader(hash.Count);
                    foreach (var (field, bytes) in hash)
                    {
                        writer.Write(field);
                        writer.Write(bytes);
                    }

                    writer.Flush();
                    return buffer.WrittenSpan.ToArray();
                }

            default:
                {
                    var buffer = new ArrayBufferWriter<byte>((int)Math.Min(int.MaxValue, state.PayloadSize + 16));
                    var writer = new MessagePackWriter(buffer);
                    var list = state.List;
                    writer.WriteArrayHeader(list.Count);
                    foreach (var bytes in list)
                    {
                        writer.Write(bytes);
                    }

                    writer.Flush();
                    return buffer.WrittenSpan.ToArray();
                }
        }
    }

    private static (ImmutableDictionary<string, byte[]> Hash, long Size) DecodeHash(byte[] payload)
    {
        var reader = new MessagePackReader(payload);
        var count = reader.ReadMapHeader();
        var builder = EmptyHash.ToBuilder();
        long size = 0;
        for (var i = 0; i < count; i++)
        {
            var field = reader.ReadString() ?? throw new MessagePackSerializationException("A hash field name is nil.");
            var bytes = ReadBin(ref reader);
            builder[field] = bytes;
            size += (2L * field.Length) + bytes.Length;
        }

        EnsureEnd(ref reader);
        return (builder.ToImmutable(), size);
    }

    private static (ImmutableList<byte[]> List, long Size) DecodeList(byte[] payload)
    {
        var reader = new MessagePackReader(payload);
        var count = reader.ReadArrayHeader();
        var builder = ImmutableList.CreateBuilder<byte[]>();
        long size = 0;
        for (var i = 0; i < count; i++)
        {
            var bytes = ReadBin(ref reader);
            builder.Add(bytes);
            size += bytes.Length;
        }

        EnsureEnd(ref reader);
        return (builder.ToImmutable(), size);
    }

    private static byte[] ReadBin(ref MessagePackReader reader) =>
        reader.ReadBytes()?.ToArray() ?? throw new MessagePackSerializationException("An item is nil where bytes were expected.");

    private static void EnsureEnd(ref MessagePackReader reader)
    {
        if (!reader.End)
        {
            throw new MessagePackSerializationException("Trailing bytes after the encoded payload.");
        }
    }
}
