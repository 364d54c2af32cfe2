using CsCheck;

namespace AgentMemory.Tests.Abstractions;

/// <summary>CsCheck generators of random <see cref="MetadataValue"/> trees and metadata maps.</summary>
internal static class MetadataValueGen
{
    /// <summary>Characters of well-formed UTF-16 text: no surrogates here (valid pairs are added by <see cref="Text"/>).</summary>
    private static readonly Gen<char> TextChar = Gen.Frequency(
        (8, Gen.Char['a', 'e']),
        (2, Gen.Char['\0', '\u007F']),
        (2, Gen.Char['\u0080', '\uD7FF']),
        (1, Gen.Char['\uE000', '\uFFFF']));

    /// <summary>Well-formed strings, sometimes with an emoji (a valid surrogate pair) appended.</summary>
    public static readonly Gen<string> Text = Gen.Select(Gen.String[TextChar, 0, 6], Gen.Bool)
        .Select((text, emoji) => emoji ? text + "\uD83D\uDE00" : text);

    public static readonly Gen<MetadataValue> Scalar = Gen.Frequency(
        (1, Gen.Const(MetadataValue.Null)),
        (1, Gen.Bool.Select(MetadataValue.FromBoolean)),
        (2, Gen.Long.Select(MetadataValue.FromInt64)),
        (1, Gen.OneOf(long.MinValue, long.MaxValue, 0L, -1L, 1L, int.MaxValue + 1L).Select(MetadataValue.FromInt64)),
        (2, Gen.Double.Where(double.IsFinite).Select(MetadataValue.FromDouble)),
        (1, Gen.OneOf(double.Epsilon, -double.Epsilon, -0.0, 0.0, 1.0, 0.1, double.MaxValue, double.MinValue, 1e-300).Select(MetadataValue.FromDouble)),
        (2, Text.Select(MetadataValue.FromString)));

    /// <summary>A value nesting lists and maps at most <paramref name="depth"/> levels deep.</summary>
    public static Gen<MetadataValue> Value(int depth)
    {
        if (depth == 0)
        {
            return Scalar;
        }

        var inner = Value(depth - 1);
        return Gen.Frequency(
            (3, Scalar),
            (1, inner.Array[0, 4].Select(items => MetadataValue.FromList(items))),
            (1, Gen.Select(Text, inner).Array[0, 4].Select(pairs => MetadataValue.FromMap(Distinct(pairs)))));
    }

    /// <summary>The metadata of one entry: a map from field names to values.</summary>
    public static Gen<Dictionary<string, MetadataValue>> Metadata(int depth = 4) =>
        Gen.Select(Text, Value(depth)).Array[0, 6].Select(pairs => Distinct(pairs).ToDictionary(StringComparer.Ordinal));

    private static IEnumerable<KeyValuePair<string, MetadataValue>> Distinct((string Key, MetadataValue Value)[] pairs) =>
        pairs.DistinctBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value));
}
