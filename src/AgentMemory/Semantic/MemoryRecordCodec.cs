using System.Runtime.InteropServices;
using AgentMemory.Serialization;

namespace AgentMemory.Semantic;

/// <summary>
/// The binary form of a stored memory and of a conversation turn in the <see cref="IMemoryStore"/>: a version byte,
/// then fields in a fixed order (strings length-prefixed UTF-8, times as UTC ticks, the embedding as raw
/// little-endian floats, metadata in the store's metadata encoding). Decoding treats the bytes as untrusted.
/// </summary>
internal static class MemoryRecordCodec
{
    private const byte MemoryVersion = 1;
    private const byte TurnVersion = 1;

    public static byte[] Encode(StoredMemory stored)
    {
        var r = stored.Record;
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer))
        {
            w.Write(MemoryVersion);
            w.Write(r.Id);
            w.Write(r.Content);
            w.Write((int)r.Type);
            WriteScope(w, r.Scope);
            w.Write(r.Timestamp.UtcTicks);
            w.Write(r.Importance);
            w.Write(r.AccessCount);
            w.Write(r.LastAccessedAt.HasValue);
            w.Write(r.LastAccessedAt?.UtcTicks ?? 0);
            w.Write(stored.DecayedAt.UtcTicks);
            var metadata = MetadataCodec.Encode(r.Metadata) ?? [];
            w.Write(metadata.Length);
            w.Write(metadata);
            w.Write(r.SourceIds.Count);
            foreach (var source in r.SourceIds)
            {
                w.Write(source);
            }

            w.Write(r.Embedding.Length);
            w.Write(MemoryMarshal.AsBytes(r.Embedding.Span));
        }

        return buffer.ToArray();
    }

    /// <exception cref="MemorySerializationException">The bytes are not an encoded memory.</exception>
    public static StoredMemory Decode(ReadOnlyMemory<byte> data)
    {
        try
        {
            using var stream = new MemoryStream(data.ToArray(), writable: false);
            using var r = new BinaryReader(stream);
            var version = r.ReadByte();
            if (version != MemoryVersion)
            {
                throw new MemorySerializationException($"A stored semantic memory has format version {version}; this library reads version {MemoryVersion}.");
            }

            var id = r.ReadString();
            var content = r.ReadString();
            var type = (MemoryType)r.ReadInt32();
            var scope = ReadScope(r);
            var timestamp = new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero);
            var importance = r.ReadDouble();
            var accessCount = r.ReadInt64();
            var hasLastAccess = r.ReadBoolean();
            var lastAccessTicks = r.ReadInt64();
            var decayedAt = new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero);
            var metadataLength = r.ReadInt32();
            var metadata = MetadataCodec.Decode(metadataLength == 0 ? null : ReadBytes(r, metadataLength));
            var sourceCount = r.ReadInt32();
            if (sourceCount < 0 || sourceCount > stream.Length)
            {
                throw new MemorySerializationException($"A stored semantic memory claims {sourceCount} source ids.");
            }

            var sources = new string[sourceCount];
            for (var i = 0; i < sourceCount; i++)
            {
                sources[i] = r.ReadString();
            }

            var dims = r.ReadInt32();
            if (dims < 0 || (long)dims * sizeof(float) > stream.Length - stream.Position)
            {
                throw new MemorySerializationException($"A stored semantic memory claims an embedding of {dims} dimensions.");
            }

            var embedding = MemoryMarshal.Cast<byte, float>(ReadBytes(r, dims * sizeof(float))).ToArray();
            if (!Enum.IsDefined(type) || !(importance is >= 0 and <= 1) || accessCount < 0)
            {
                throw new MemorySerializationException($"A stored semantic memory '{id}' has out-of-range fields (type {(int)type}, importance {importance}, access count {accessCount}).");
            }

            var record = new MemoryRecord
            {
                Id = id,
                Content = content,
                Type = type,
                Scope = scope,
                Timestamp = timestamp,
                Importance = importance,
                AccessCount = accessCount,
                LastAccessedAt = hasLastAccess ? new DateTimeOffset(lastAccessTicks, TimeSpan.Zero) : null,
                Metadata = metadata,
                SourceIds = sources,
                Embedding = embedding,
            };
            return new StoredMemory(record, decayedAt);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentException or FormatException)
        {
            throw new MemorySerializationException($"A stored semantic memory ({data.Length} bytes) is corrupt: {ex.Message}", ex);
        }
    }

    public static byte[] EncodeTurn(ConversationTurn turn, MemoryScope scope)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer))
        {
            w.Write(TurnVersion);
            w.Write(turn.Id);
            w.Write(turn.Role);
            w.Write(turn.Content);
            w.Write(turn.Timestamp.UtcTicks);
            WriteScope(w, scope);
        }

        return buffer.ToArray();
    }

    /// <exception cref="MemorySerializationException">The bytes are not an encoded turn.</exception>
    public static (ConversationTurn Turn, MemoryScope Scope) DecodeTurn(ReadOnlyMemory<byte> data)
    {
        try
        {
            using var stream = new MemoryStream(data.ToArray(), writable: false);
            using var r = new BinaryReader(stream);
            var version = r.ReadByte();
            if (version != TurnVersion)
            {
                throw new MemorySerializationException($"A stored conversation turn has format version {version}; this library reads version {TurnVersion}.");
            }

            var turn = new ConversationTurn(r.ReadString(), r.ReadString(), r.ReadString(), new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero));
            return (turn, ReadScope(r));
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentException or FormatException)
        {
            throw new MemorySerializationException($"A stored conversation turn ({data.Length} bytes) is corrupt: {ex.Message}", ex);
        }
    }

    private static byte[] ReadBytes(BinaryReader r, int count)
    {
        var bytes = r.ReadBytes(count);
        return bytes.Length == count ? bytes : throw new EndOfStreamException();
    }

    private static void WriteScope(BinaryWriter w, MemoryScope scope)
    {
        WriteOptional(w, scope.UserId);
        WriteOptional(w, scope.AgentId);
        WriteOptional(w, scope.SessionId);
        WriteOptional(w, scope.ConversationId);
    }

    private static MemoryScope ReadScope(BinaryReader r) => new(ReadOptional(r), ReadOptional(r), ReadOptional(r), ReadOptional(r));

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
