using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AgentMemory.PostgreSql.Records;

/// <summary>Metadata as a JSON object, for <c>jsonb</c> columns that SQL and GIN indexes can query (the exact kinds round-trip through <c>MetadataCodec</c> beside it).</summary>
internal static class MetadataJson
{
    public static string Write(IReadOnlyDictionary<string, MetadataValue>? metadata)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return "{}";
        }

        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in metadata)
            {
                writer.WritePropertyName(key ?? throw new ArgumentException("A metadata key must not be null.", nameof(metadata)));
                writer.WriteRawValue(value.ToString(), skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
