using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AgentMemory.Serialization;

namespace AgentMemory.PostgreSql.LongTerm;

/// <summary>
/// Converts entry metadata (the engine's MessagePack map) to JSON for a <c>jsonb</c> column and back, exactly: an
/// integer is a JSON number without a fraction, a double always has one (written in plain decimal notation, which
/// <c>jsonb</c>'s <c>numeric</c> keeps digit for digit, so <c>1.0</c> stays a double and <c>1e300</c> comes back as the
/// same double). Metadata JSONB cannot hold exactly — text with U+0000, negative zero — is reported so the caller keeps
/// the MessagePack bytes instead.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class MetadataJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>The JSON form of <paramref name="metadata"/>; null when there is no metadata or when JSONB cannot carry it exactly.</summary>
    public static string? ToJson(byte[]? metadata, out bool representable)
    {
        representable = true;
        if (metadata is null)
        {
            return null;
        }

        return ToJson(MetadataCodec.Decode(metadata), out representable);
    }

    /// <summary>The JSON form of <paramref name="map"/>; null when it is empty or when JSONB cannot carry it exactly.</summary>
    public static string? ToJson(IReadOnlyDictionary<string, MetadataValue> map, out bool representable)
    {
        representable = true;
        if (map.Count == 0)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in map)
            {
                if (!Representable(key))
                {
                    representable = false;
                    return null;
                }

                writer.WritePropertyName(key);
                if (!Write(writer, value))
                {
                    representable = false;
                    return null;
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The engine's MessagePack metadata for a JSON object written by <see cref="ToJson(byte[], out bool)"/> (and normalized by <c>jsonb</c>).</summary>
    /// <exception cref="MemoryStorageException">The JSON is not an object of metadata values.</exception>
    public static byte[]? FromJson(string json) => MetadataCodec.Encode(ParseMap(json));

    /// <summary>The metadata map of a JSON object written by <see cref="ToJson(IReadOnlyDictionary{string, MetadataValue}, out bool)"/>.</summary>
    /// <exception cref="MemoryStorageException">The JSON is not an object of metadata values.</exception>
    public static Dictionary<string, MetadataValue> ParseMap(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"metadata must be a JSON object, not {document.RootElement.ValueKind}.");
            }

            var map = new Dictionary<string, MetadataValue>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                map[property.Name] = Read(property.Value, 1);
            }

            return map;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or ArgumentException)
        {
            throw new MemoryStorageException($"Stored JSONB metadata is not valid AgentMemory metadata: {ex.Message}", ex);
        }
    }

    /// <summary>A finite double in plain decimal notation with at least one fractional digit, using the shortest digits that round-trip.</summary>
    public static string FormatDouble(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOfAny(['E', 'e']);
        if (e < 0)
        {
            return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
        }

        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = text[..e];
        var negative = mantissa.StartsWith('-');
        if (negative)
        {
            mantissa = mantissa[1..];
        }

        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        string result;
        if (point <= 0)
        {
            result = "0." + new string('0', -point) + digits;
        }
        else if (point >= digits.Length)
        {
            result = digits + new string('0', point - digits.Length) + ".0";
        }
        else
        {
            result = digits[..point] + "." + digits[point..];
        }

        return negative ? "-" + result : result;
    }

    private static bool Write(Utf8JsonWriter writer, MetadataValue value)
    {
        switch (value.Kind)
        {
            case MetadataValueKind.Null:
                writer.WriteNullValue();
                return true;
            case MetadataValueKind.Boolean:
                writer.WriteBooleanValue(value.AsBoolean());
                return true;
            case MetadataValueKind.Integer:
                writer.WriteNumberValue(value.AsInt64());
                return true;
            case MetadataValueKind.Double:
                var number = value.AsDouble();
                if (number == 0 && double.IsNegative(number))
                {
                    return false;
                }

                writer.WriteRawValue(FormatDouble(number), skipInputValidation: true);
                return true;
            case MetadataValueKind.String:
                var text = value.AsString();
                if (!Representable(text))
                {
                    return false;
                }

                writer.WriteStringValue(text);
                return true;
            case MetadataValueKind.List:
                writer.WriteStartArray();
                foreach (var item in value.AsList())
                {
                    if (!Write(writer, item))
                    {
                        return false;
                    }
                }

                writer.WriteEndArray();
                return true;
            default:
                writer.WriteStartObject();
                foreach (var (key, item) in value.AsMap())
                {
                    if (!Representable(key))
                    {
                        return false;
                    }

                    writer.WritePropertyName(key);
                    if (!Write(writer, item))
                    {
                        return false;
                    }
                }

                writer.WriteEndObject();
                return true;
        }
    }

    private static MetadataValue Read(JsonElement element, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return MetadataValue.Null;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                var raw = element.GetRawText();
                return raw.AsSpan().IndexOfAny('.', 'e', 'E') >= 0
                    ? MetadataValue.FromDouble(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture))
                    : MetadataValue.FromInt64(long.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
            case JsonValueKind.Array:
                CheckDepth(depth);
                var items = new List<MetadataValue>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    items.Add(Read(item, depth + 1));
                }

                return MetadataValue.FromList(items);
            case JsonValueKind.Object:
                CheckDepth(depth);
                var entries = new List<KeyValuePair<string, MetadataValue>>();
                foreach (var property in element.EnumerateObject())
                {
                    entries.Add(new(property.Name, Read(property.Value, depth + 1)));
                }

                return MetadataValue.FromMap(entries);
            default:
                throw new FormatException($"a JSON {element.ValueKind} is not a metadata value.");
        }
    }

    private static void CheckDepth(int depth)
    {
        if (depth > MetadataValue.MaxDepth)
        {
            throw new FormatException($"metadata nests deeper than {MetadataValue.MaxDepth} levels.");
        }
    }

    /// <summary>PostgreSQL text (and so JSONB) cannot contain U+0000.</summary>
    private static bool Representable(string text) => !text.Contains('\0', StringComparison.Ordinal);
}
