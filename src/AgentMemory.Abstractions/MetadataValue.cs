using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AgentMemory;

/// <summary>
/// A JSON-like metadata value: null, boolean, 64-bit integer, finite double, string, list or map.
/// Metadata attached to an entry round-trips exactly: the value read back equals the value stored,
/// kind included (the integer <c>1</c> and the double <c>1.0</c> are different values).
/// </summary>
/// <remarks>
/// Immutable and thread-safe. <c>default(MetadataValue)</c> is <see cref="Null"/>. Lists and maps are copied on
/// construction, so later changes to the collection passed in do not show through. Nesting is limited to
/// <see cref="MaxDepth"/> levels so that stored metadata can always be read back without exhausting the stack.
/// </remarks>
public readonly struct MetadataValue : IEquatable<MetadataValue>
{
    /// <summary>The deepest nesting of lists and maps a value may have (a scalar has depth 0).</summary>
    public const int MaxDepth = 32;

    private readonly object? _ref;
    private readonly long _bits;

    private MetadataValue(MetadataValueKind kind, long bits, object? reference)
    {
        Kind = kind;
        _bits = bits;
        _ref = reference;
    }

    /// <summary>The null metadata value.</summary>
    public static MetadataValue Null => default;

    /// <summary>The JSON-like type of this value.</summary>
    public MetadataValueKind Kind { get; }

    /// <summary>Whether this is the null value.</summary>
    public bool IsNull => Kind == MetadataValueKind.Null;

    /// <summary>Creates a boolean value.</summary>
    /// <param name="value">The boolean.</param>
    /// <returns>The metadata value.</returns>
    public static MetadataValue FromBoolean(bool value) => new(MetadataValueKind.Boolean, value ? 1 : 0, null);

    /// <summary>Creates an integer value.</summary>
    /// <param name="value">The integer.</param>
    /// <returns>The metadata value.</returns>
    public static MetadataValue FromInt64(long value) => new(MetadataValueKind.Integer, value, null);

    /// <summary>Creates a floating-point value.</summary>
    /// <param name="value">A finite number.</param>
    /// <returns>The metadata value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite, which JSON cannot carry.</exception>
    public static MetadataValue FromDouble(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A metadata number must be finite: NaN and infinities have no JSON form.");
        }

        return new(MetadataValueKind.Double, BitConverter.DoubleToInt64Bits(value), null);
    }

    /// <summary>Creates a string value, or <see cref="Null"/> when <paramref name="value"/> is null.</summary>
    /// <param name="value">The string.</param>
    /// <returns>The metadata value.</returns>
    public static MetadataValue FromString(string? value) => value is null ? default : new(MetadataValueKind.String, 0, value);

    /// <summary>Creates a list value from a copy of <paramref name="items"/>.</summary>
    /// <param name="items">The list items.</param>
    /// <returns>The metadata value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null.</exception>
    /// <exception cref="ArgumentException">The list would nest deeper than <see cref="MaxDepth"/>.</exception>
    public static MetadataValue FromList(IEnumerable<MetadataValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        ImmutableArray<MetadataValue> array = [.. items];
        var depth = 0;
        foreach (var item in array)
        {
            depth = Math.Max(depth, item.Depth);
        }

        return new(MetadataValueKind.List, CheckDepth(depth + 1, nameof(items)), array);
    }

    /// <summary>Creates a list value from <paramref name="items"/>.</summary>
    /// <param name="items">The list items.</param>
    /// <returns>The metadata value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> is null.</exception>
    /// <exception cref="ArgumentException">The list would nest deeper than <see cref="MaxDepth"/>.</exception>
    public static MetadataValue FromList(params MetadataValue[] items) => FromList((IEnumerable<MetadataValue>)items);

    /// <summary>Creates a map value from a copy of <paramref name="entries"/>.</summary>
    /// <param name="entries">The map entries; keys must be non-null and distinct.</param>
    /// <returns>The metadata value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or one of its keys is null.</exception>
    /// <exception cref="ArgumentException">A key repeats, or the map would nest deeper than <see cref="MaxDepth"/>.</exception>
    public static MetadataValue FromMap(IEnumerable<KeyValuePair<string, MetadataValue>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, MetadataValue>(StringComparer.Ordinal);
        var depth = 0;
        foreach (var (key, value) in entries)
        {
            if (key is null)
            {
                throw new ArgumentNullException(nameof(entries), "A metadata map key must not be null.");
            }

            if (!builder.TryAdd(key, value))
            {
                throw new ArgumentException($"The metadata map key '{key}' appears more than once.", nameof(entries));
            }

            depth = Math.Max(depth, value.Depth);
        }

        return new(MetadataValueKind.Map, CheckDepth(depth + 1, nameof(entries)), builder.ToImmutable());
    }

    /// <summary>Converts a boolean.</summary>
    /// <param name="value">The boolean.</param>
    public static implicit operator MetadataValue(bool value) => FromBoolean(value);

    /// <summary>Converts an integer.</summary>
    /// <param name="value">The integer.</param>
    public static implicit operator MetadataValue(long value) => FromInt64(value);

    /// <summary>Converts an integer.</summary>
    /// <param name="value">The integer.</param>
    public static implicit operator MetadataValue(int value) => FromInt64(value);

    /// <summary>Converts a finite double.</summary>
    /// <param name="value">The number.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    public static implicit operator MetadataValue(double value) => FromDouble(value);

    /// <summary>Converts a string; null becomes <see cref="Null"/>.</summary>
    /// <param name="value">The string.</param>
    public static implicit operator MetadataValue(string? value) => FromString(value);

    /// <summary>Compares two values for structural equality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator ==(MetadataValue left, MetadataValue right) => left.Equals(right);

    /// <summary>Compares two values for structural inequality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator !=(MetadataValue left, MetadataValue right) => !left.Equals(right);

    /// <summary>Returns the boolean this value holds.</summary>
    /// <returns>The boolean.</returns>
    /// <exception cref="InvalidOperationException">The value is not a <see cref="MetadataValueKind.Boolean"/>.</exception>
    public bool AsBoolean() => Kind == MetadataValueKind.Boolean ? _bits != 0 : throw WrongKind(MetadataValueKind.Boolean);

    /// <summary>Returns the integer this value holds.</summary>
    /// <returns>The integer.</returns>
    /// <exception cref="InvalidOperationException">The value is not an <see cref="MetadataValueKind.Integer"/>.</exception>
    public long AsInt64() => Kind == MetadataValueKind.Integer ? _bits : throw WrongKind(MetadataValueKind.Integer);

    /// <summary>Returns the number this value holds; an integer is converted to a double.</summary>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidOperationException">The value is neither a <see cref="MetadataValueKind.Double"/> nor an <see cref="MetadataValueKind.Integer"/>.</exception>
    public double AsDouble() => Kind switch
    {
        MetadataValueKind.Double => BitConverter.Int64BitsToDouble(_bits),
        MetadataValueKind.Integer => _bits,
        _ => throw WrongKind(MetadataValueKind.Double),
    };

    /// <summary>Returns the string this value holds.</summary>
    /// <returns>The string.</returns>
    /// <exception cref="InvalidOperationException">The value is not a <see cref="MetadataValueKind.String"/>.</exception>
    public string AsString() => Kind == MetadataValueKind.String ? (string)_ref! : throw WrongKind(MetadataValueKind.String);

    /// <summary>Returns the items of this list value.</summary>
    /// <returns>The immutable items.</returns>
    /// <exception cref="InvalidOperationException">The value is not a <see cref="MetadataValueKind.List"/>.</exception>
    public IReadOnlyList<MetadataValue> AsList() => Kind == MetadataValueKind.List ? (ImmutableArray<MetadataValue>)_ref! : throw WrongKind(MetadataValueKind.List);

    /// <summary>Returns the entries of this map value, ordered by key (ordinal).</summary>
    /// <returns>The immutable entries.</returns>
    /// <exception cref="InvalidOperationException">The value is not a <see cref="MetadataValueKind.Map"/>.</exception>
    public IReadOnlyDictionary<string, MetadataValue> AsMap() => Kind == MetadataValueKind.Map ? (ImmutableSortedDictionary<string, MetadataValue>)_ref! : throw WrongKind(MetadataValueKind.Map);

    /// <inheritdoc />
    public bool Equals(MetadataValue other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }

        switch (Kind)
        {
            case MetadataValueKind.Null:
                return true;
            case MetadataValueKind.String:
                return string.Equals((string)_ref!, (string)other._ref!, StringComparison.Ordinal);
            case MetadataValueKind.List:
                return ((ImmutableArray<MetadataValue>)_ref!).AsSpan().SequenceEqual(((ImmutableArray<MetadataValue>)other._ref!).AsSpan());
            case MetadataValueKind.Map:
                var left = (ImmutableSortedDictionary<string, MetadataValue>)_ref!;
                var right = (ImmutableSortedDictionary<string, MetadataValue>)other._ref!;
                if (left.Count != right.Count)
                {
                    return false;
                }

                foreach (var (key, value) in left)
                {
                    if (!right.TryGetValue(key, out var otherValue) || !value.Equals(otherValue))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return _bits == other._bits;
        }
    }

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is MetadataValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        switch (Kind)
        {
            case MetadataValueKind.String:
                return HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode((string)_ref!));
            case MetadataValueKind.List:
                var listHash = new HashCode();
                listHash.Add(Kind);
                foreach (var item in (ImmutableArray<MetadataValue>)_ref!)
                {
                    listHash.Add(item);
                }

                return listHash.ToHashCode();
            case MetadataValueKind.Map:
                var mapHash = new HashCode();
                mapHash.Add(Kind);
                foreach (var (key, value) in (ImmutableSortedDictionary<string, MetadataValue>)_ref!)
                {
                    mapHash.Add(key, StringComparer.Ordinal);
                    mapHash.Add(value);
                }

                return mapHash.ToHashCode();
            default:
                return HashCode.Combine(Kind, _bits);
        }
    }

    /// <summary>Formats the value as compact JSON text.</summary>
    /// <returns>The JSON text.</returns>
    public override string ToString()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal int Depth => Kind is MetadataValueKind.List or MetadataValueKind.Map ? (int)_bits : 0;

    private void WriteJson(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case MetadataValueKind.Null:
                writer.WriteNullValue();
                break;
            case MetadataValueKind.Boolean:
                writer.WriteBooleanValue(_bits != 0);
                break;
            case MetadataValueKind.Integer:
                writer.WriteNumberValue(_bits);
                break;
            case MetadataValueKind.Double:
                writer.WriteRawValue(BitConverter.Int64BitsToDouble(_bits).ToString("R", CultureInfo.InvariantCulture), skipInputValidation: true);
                break;
            case MetadataValueKind.String:
                writer.WriteStringValue((string)_ref!);
                break;
            case MetadataValueKind.List:
                writer.WriteStartArray();
                foreach (var item in (ImmutableArray<MetadataValue>)_ref!)
                {
                    item.WriteJson(writer);
                }

                writer.WriteEndArray();
                break;
            case MetadataValueKind.Map:
                writer.WriteStartObject();
                foreach (var (key, value) in (ImmutableSortedDictionary<string, MetadataValue>)_ref!)
                {
                    writer.WritePropertyName(key);
                    value.WriteJson(writer);
                }

                writer.WriteEndObject();
                break;
        }
    }

    private static long CheckDepth(int depth, string paramName) => depth <= MaxDepth
        ? depth
        : throw new ArgumentException($"Metadata may nest lists and maps at most {MaxDepth} levels deep; this value nests {depth}.", paramName);

    private InvalidOperationException WrongKind(MetadataValueKind expected) =>
        new($"The metadata value is a {Kind}, not a {expected}.");
}
