using System.Globalization;
using AgentMemory.PostgreSql.LongTerm;
using CsCheck;

namespace AgentMemory.PostgreSql.Tests.LongTerm;

public sealed class MetadataJsonTests
{
    [Fact]
    public void FormatDouble_IsPlainDecimalWithAFraction_AndParsesBackToTheSameDouble()
    {
        Gen.Double.Where(d => double.IsFinite(d) && !(d == 0 && double.IsNegative(d))).Sample(d =>
        {
            var text = MetadataJson.FormatDouble(d);
            text.Should().Contain(".").And.NotContainAny("E", "e");
            BitConverter.DoubleToInt64Bits(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)).Should().Be(BitConverter.DoubleToInt64Bits(d), text);
        });
    }

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(1e300, null)]
    [InlineData(1.5e-7, "0.00000015")]
    [InlineData(-123.25, "-123.25")]
    [InlineData(1e21, "1000000000000000000000.0")]
    public void FormatDouble_Examples(double value, string? expected)
    {
        var text = MetadataJson.FormatDouble(value);
        if (expected is not null)
        {
            text.Should().Be(expected);
        }
        else
        {
            text.Should().Be("1" + new string('0', 300) + ".0");
        }
    }

    [Fact]
    public void ToJsonThenFromJson_RoundTripsRandomScalars_WithTheirKinds()
    {
        var scalar = Gen.OneOf(
            Gen.Long.Select(MetadataValue.FromInt64),
            Gen.Double.Where(d => double.IsFinite(d) && !(d == 0 && double.IsNegative(d))).Select(MetadataValue.FromDouble),
            Gen.String.Where(s => !s.Contains('\0', StringComparison.Ordinal) && !HasLoneSurrogate(s)).Select(MetadataValue.FromString),
            Gen.Bool.Select(MetadataValue.FromBoolean));
        Gen.Dictionary(Gen.String.AlphaNumeric, scalar)[1, 8].Sample(map =>
        {
            var json = MetadataJson.ToJson(map, out var representable);
            representable.Should().BeTrue();
            var back = MetadataJson.ParseMap(json!);
            back.Should().HaveCount(map.Count);
            foreach (var (key, value) in map)
            {
                back[key].Should().Be(value);
            }
        });
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }
}
