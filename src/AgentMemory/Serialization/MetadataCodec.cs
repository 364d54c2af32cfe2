using System.Buffers;
using MessagePack;

namespace AgentMemory.Serialization;

/// <summary>
/// Encodes entry metadata as a MessagePack map and decodes it back exactly: integers as MessagePack integers,
/// doubles always as float64, so the kind of every value survives the round trip. Decoding treats the bytes as
/// untrusted and bounds nesting by <see cref="MetadataValue.MaxDepth"/>.
/// </summary>
internal static class MetadataCodec
{
    /// <summary>Encodes metadata, or returns null for none.</summary>
    public static byte[]? Encode(IReadOnlyDictionary<string, MetadataValue>? metadata)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(metadata.Count);
        foreach (var (key, value) in metadata)
        {
            writer.Write(CheckText(key ?? throw new ArgumentException("A metadata key must not be null.", nameof(metadata))));
            Write(ref writer, value);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes metadata; null bytes give an empty map.</summary>
    /// <exception cref="MemorySerializationException">The bytes are not encoded metadata.</exception>
    public static Dictionary<string, MetadataValue> Decode(byte[]? data)
    {
        var result = new Dictionary<string, MetadataValue>(StringComparer.Ordinal);
        if (data is null)
        {
            return result;
        }

        try
        {
            var reader = new MessagePackReader(data);
            var count = reader.ReadMapHeader();
            for (var i = 0; i < count; i++)
            {
                var key = reader.ReadString() ?? throw new MemorySerializationException("Stored metadata has a null key.");
                result[key] = Read(ref reader, 1);
            }
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or ArgumentException or OverflowException)
        {
            throw new MemorySerializationException($"Stored metadata ({data.Length} bytes) is not valid: {ex.Message}", ex);
        }

        return result;
    }

    private static void Write(ref MessagePackWriter writer, MetadataValue value)
    {
        switch (value.Kind)
        {
            case MetadataValueKind.Null:
                writer.WriteNil();
                break;
            case MetadataValueKind.Boolean:
                writer.Write(value.AsBoolean());
                break;
            case MetadataValueKind.Integer:
                writer.Write(value.AsInt64());
                break;
            case MetadataValueKind.Double:
                writer.Write(value.AsDouble());
                break;
            case MetadataValueKind.String:
                writer.Write(CheckText(value.AsString()));
                break;
            case MetadataValueKind.List:
                var items = value.AsList();
                writer.WriteArrayHeader(items.Count);
                foreach (var item in items)
                {
                    Write(ref writer, item);
                }

                break;
            case MetadataValueKind.Map:
                var map = value.AsMap();
                writer.WriteMapHeader(map.Count);
                foreach (var (key, item) in map)
                {
                    writer.Write(CheckText(key));
                    Write(ref writer, item);
                }

                break;
        }
    }

    private static MetadataValue Read(ref MessagePackReader reader, int depth)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return MetadataValue.Null;
            case MessagePackType.Boolean:
                return reader.ReadBoolean();
            case MessagePackType.Integer:
                return reader.ReadInt64();
            case MessagePackType.Float:
                return MetadataValue.FromDouble(reader.ReadDouble());
            case MessagePackType.String:
                return reader.ReadString();
            case MessagePackType.Array:
                CheckDepth(depth);
                var count = reader.ReadArrayHeader();
                var items = new MetadataValue[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = Read(ref reader, depth + 1);
                }

                return MetadataValue.FromList(items);
            case MessagePackType.Map:
                CheckDepth(depth);
                var size = reader.ReadMapHeader();
                var entries = new KeyValuePair<string, MetadataValue>[size];
                for (var i = 0; i < size; i++)
                {
                    var key = reader.ReadString() ?? throw new MemorySerializationException("Stored metadata has a null map key.");
                    entries[i] = new(key, Read(ref reader, depth + 1));
                }

                return MetadataValue.FromMap(entries);
            default:
                throw new MemorySerializationException($"Stored metadata holds a MessagePack {reader.NextMessagePackType}, which is not a metadata value.");
        }
    }

    /// <summary>Refuses text with an unpaired surrogate: it has no UTF-8 (or JSON) form and would come back altered.</summary>
    private static string CheckText(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i]))
            {
                continue;
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            throw new ArgumentException($"Metadata text may not contain an unpaired surrogate character (found at position {i} of a {text.Length}-character string); it has no UTF-8 form and could not round-trip.", "metadata");
        }

        return text;
    }

    private static void CheckDepth(int depth)
    {
        if (depth > MetadataValue.MaxDepth)
        {
            throw new MemorySerializationException($"Stored metadata nests deeper than {MetadataValue.MaxDepth} levels.");
        }
    }
}
