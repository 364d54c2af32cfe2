using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using AgentMemory.Serialization;
using K4os.Compression.LZ4;
using MessagePack;

namespace AgentMemory.Requests;

/// <summary>
/// The response wire format. Serialized: a MessagePack array <c>[schemaVersion, requestId, createdTicks,
/// metadata (bin or nil), data (bin), crc32]</c>, where the CRC-32 covers every byte before it. Compressed: the
/// byte <c>0xA5</c>, the serialized length (int32, little endian) and one LZ4 block of the serialized bytes.
/// Reading treats input as untrusted: a fixed-shape reader that never resolves types, checks every length against
/// the size limit before allocating, bounds metadata nesting, and verifies version and checksum.
/// Immutable and thread-safe.
/// </summary>
internal sealed class ResponseCodec
{
    public const int SchemaVersion = 1;
    private const int FieldCount = 6;
    private const byte CompressedMarker = 0xA5;
    private const int CompressedHeader = 5;

    public ResponseCodec(int maxBytes) => MaxBytes = maxBytes;

    /// <summary>The metadata of a response that has none: one shared, read-only, empty map.</summary>
    public static IReadOnlyDictionary<string, MetadataValue> NoMetadata { get; } = new Dictionary<string, MetadataValue>().AsReadOnly();

    public int MaxBytes { get; }

    public byte[] Serialize(MemoryResponse response)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + response.Data.Length);
        Write(buffer, response);
        var checksum = Crc32.HashToUInt32(buffer.WrittenSpan);
        var trailer = new MessagePackWriter(buffer);
        trailer.Write(checksum);
        trailer.Flush();
        if (buffer.WrittenCount > MaxBytes)
        {
            throw new MemoryResponseFormatException($"The response to request '{response.RequestId}' serializes to {buffer.WrittenCount} bytes, over the limit of {MaxBytes} (MemoryResponsesOptions.MaxSerializedBytes).");
        }

        return buffer.WrittenSpan.ToArray();
    }

    public MemoryResponse Deserialize(ReadOnlyMemory<byte> data)
    {
        if (data.Length > MaxBytes)
        {
            throw new MemoryResponseFormatException($"The serialized response is {data.Length} bytes, over the limit of {MaxBytes} (MemoryResponsesOptions.MaxSerializedBytes).");
        }

        try
        {
            var reader = new MessagePackReader(data);
            var fields = reader.ReadArrayHeader();
            if (fields < 1)
            {
                throw new MemoryResponseFormatException("The serialized response is an empty array; expected a schema version first.");
            }

            var version = reader.ReadInt32();
            if (version != SchemaVersion)
            {
                throw new MemoryResponseFormatException($"The serialized response has schema version {version}; this reader supports version {SchemaVersion}.");
            }

            if (fields != FieldCount)
            {
                throw new MemoryResponseFormatException($"The serialized response has {fields} fields; schema version {SchemaVersion} has {FieldCount}.");
            }

            var requestId = reader.ReadString();
            if (string.IsNullOrEmpty(requestId))
            {
                throw new MemoryResponseFormatException("The serialized response has no request id.");
            }

            var createdTicks = reader.ReadInt64();
            if (createdTicks < DateTimeOffset.MinValue.UtcTicks || createdTicks > DateTimeOffset.MaxValue.UtcTicks)
            {
                throw new MemoryResponseFormatException($"The serialized response has an out-of-range creation time ({createdTicks} ticks).");
            }

            var metadata = reader.TryReadNil() ? null : ReadBytes(ref reader, "metadata");
            var payload = ReadBytes(ref reader, "data");
            var covered = (int)reader.Consumed;
            var expected = reader.ReadUInt32();
            var actual = Crc32.HashToUInt32(data.Span[..covered]);
            if (expected != actual)
            {
                throw new MemoryResponseFormatException($"The serialized response to request '{requestId}' fails its checksum (stored {expected:x8}, computed {actual:x8}); the bytes are corrupt.");
            }

            if (!reader.End)
            {
                throw new MemoryResponseFormatException($"The serialized response has {data.Length - reader.Consumed} unexpected bytes after its end.");
            }

            return new MemoryResponse
            {
                RequestId = requestId,
                Data = payload,
                Metadata = metadata is null ? NoMetadata : MetadataCodec.Decode(metadata).AsReadOnly(),
                CreatedAt = new DateTimeOffset(createdTicks, TimeSpan.Zero),
            };
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException or MemorySerializationException and not MemoryResponseFormatException)
        {
            throw new MemoryResponseFormatException($"The serialized response is malformed: {ex.Message}", ex);
        }
    }

    public byte[] Compress(MemoryResponse response)
    {
        var serialized = Serialize(response);
        var output = new byte[CompressedHeader + LZ4Codec.MaximumOutputSize(serialized.Length)];
        output[0] = CompressedMarker;
        BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(1), serialized.Length);
        var written = LZ4Codec.Encode(serialized, output.AsSpan(CompressedHeader));
        return output.AsSpan(0, CompressedHeader + written).ToArray();
    }

    public MemoryResponse Decompress(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        if (span.Length < CompressedHeader || span[0] != CompressedMarker)
        {
            throw new MemoryResponseFormatException("The bytes are not a compressed response (missing the 0xA5 header).");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span[1..]);
        if (length < 1 || length > MaxBytes)
        {
            throw new MemoryResponseFormatException($"The compressed response claims {length} bytes when decompressed; the limit is {MaxBytes} (MemoryResponsesOptions.MaxSerializedBytes).");
        }

        var serialized = new byte[length];
        var decoded = LZ4Codec.Decode(span[CompressedHeader..], serialized);
        if (decoded != length)
        {
            throw new MemoryResponseFormatException($"The compressed response is corrupt: it decompressed to {(decoded < 0 ? "nothing" : decoded + " bytes")}, not the {length} bytes its header claims.");
        }

        return Deserialize(serialized);
    }

    private static void Write(IBufferWriter<byte> buffer, MemoryResponse response)
    {
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(FieldCount);
        writer.Write(SchemaVersion);
        writer.Write(response.RequestId);
        writer.Write(response.CreatedAt.UtcTicks);
        var metadata = MetadataCodec.Encode(response.Metadata);
        if (metadata is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(metadata);
        }

        writer.Write(response.Data.Span);
        writer.Flush();
    }

    private static byte[] ReadBytes(ref MessagePackReader reader, string field) =>
        reader.ReadBytes() is { } bytes ? bytes.ToArray() : throw new MemoryResponseFormatException($"The serialized response has a nil {field} field.");
}
