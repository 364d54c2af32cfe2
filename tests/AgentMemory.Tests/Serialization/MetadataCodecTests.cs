using AgentMemory.Serialization;
using AgentMemory.Tests.Abstractions;
using CsCheck;

namespace AgentMemory.Tests.Serialization;

public sealed class MetadataCodecTests
{
    [Fact]
    public void Encode_NullOrEmpty_ReturnsNull()
    {
        MetadataCodec.Encode(null).Should().BeNull();
        MetadataCodec.Encode(new Dictionary<string, MetadataValue>()).Should().BeNull();
        MetadataCodec.Decode(null).Should().BeEmpty();
    }

    [Fact]
    public void Encode_RandomMetadata_DecodesToEqualValues()
    {
        MetadataValueGen.Metadata(depth: 6).Sample(metadata =>
        {
            var decoded = MetadataCodec.Decode(MetadataCodec.Encode(metadata));
            decoded.Should().Equal(metadata);
        }, iter: 1_000);
    }

    [Fact]
    public void Encode_Doubles_AreAlwaysWrittenAsFloat64()
    {
        var bytes = MetadataCodec.Encode(new Dictionary<string, MetadataValue> { ["d"] = 1.0 })!;

        // fixmap(1), fixstr "d", float64 marker 0xCB + 8 bytes
        bytes.Should().HaveCount(1 + 2 + 9);
        bytes[3].Should().Be(0xCB);
        MetadataCodec.Decode(bytes)["d"].Kind.Should().Be(MetadataValueKind.Double);
    }

    [Fact]
    public void Decode_Float32_ReadsAsDouble()
    {
        // fixmap(1), fixstr "f", float32 1.5
        byte[] bytes = [0x81, 0xA1, (byte)'f', 0xCA, 0x3F, 0xC0, 0x00, 0x00];

        MetadataCodec.Decode(bytes)["f"].Should().Be(MetadataValue.FromDouble(1.5));
    }

    [Theory]
    [InlineData(new byte[] { 0x81 })]
    [InlineData(new byte[] { 0x81, 0xA1, 0x61 })]
    [InlineData(new byte[] { 0x01 })]
    [InlineData(new byte[] { 0x81, 0x01, 0x01 })]
    [InlineData(new byte[] { 0x81, 0xA1, 0x61, 0xC4, 0x01, 0x00 })]
    [InlineData(new byte[] { 0x81, 0xA1, 0x61, 0xCF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x81, 0xA1, 0x61, 0x82, 0xA1, 0x62, 0x01, 0xA1, 0x62, 0x02 })]
    public void Decode_InvalidBytes_ThrowsSerializationException(byte[] bytes)
    {
        var act = () => MetadataCodec.Decode(bytes);

        act.Should().Throw<MemorySerializationException>();
    }

    [Fact]
    public void Decode_DeeperThanMaxDepth_ThrowsSerializationException()
    {
        var act = () => MetadataCodec.Decode(NestedArrays(MetadataValue.MaxDepth + 1));

        act.Should().Throw<MemorySerializationException>().WithMessage($"*{MetadataValue.MaxDepth}*");
    }

    [Fact]
    public void Decode_ExactlyMaxDepth_IsAccepted()
    {
        var decoded = MetadataCodec.Decode(NestedArrays(MetadataValue.MaxDepth));

        decoded["deep"].Should().Be(AgentMemory.Tests.Abstractions.MetadataValueTests.Nest(MetadataValue.MaxDepth, useMaps: false));
    }

    [Fact]
    public void Decode_ExtremelyDeepInput_ThrowsInsteadOfOverflowingTheStack()
    {
        var act = () => MetadataCodec.Decode(NestedArrays(100_000));

        act.Should().Throw<MemorySerializationException>();
    }

    /// <summary>{"deep": [[[...["leaf"]...]]]} with <paramref name="depth"/> one-element arrays.</summary>
    private static byte[] NestedArrays(int depth) =>
        [0x81, 0xA4, (byte)'d', (byte)'e', (byte)'e', (byte)'p', .. Enumerable.Repeat((byte)0x91, depth), 0xA4, (byte)'l', (byte)'e', (byte)'a', (byte)'f'];
}
