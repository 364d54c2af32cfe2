using AgentMemory.Serialization;
using FluentAssertions;
using MessagePack;
using MessagePack.Resolvers;
using Xunit;

namespace AgentMemory.Tests.Serialization;

/// <summary>The direct byte-array encoding writes exactly what MessagePack itself writes, at every bin header size.</summary>
public sealed class MessagePackMemorySerializerBytesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(65_535)]
    [InlineData(65_536)]
    public void SerializeBytes_MatchesMessagePack_AndRoundTrips(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var expected = MessagePackSerializer.Serialize(bytes, ContractlessStandardResolver.Options);
        var serializer = MessagePackMemorySerializer.Default;

        serializer.Serialize(bytes).Should().Equal(expected);
        serializer.Serialize(bytes, typeof(byte[])).Should().Equal(expected);
        serializer.Deserialize<byte[]>(serializer.Serialize(bytes)).Should().Equal(bytes);
    }

    [Fact]
    public void SerializeBytes_WithCompressionOrNull_GoesThroughMessagePack()
    {
        var compressed = new MessagePackMemorySerializer(ContractlessStandardResolver.Options.WithCompression(MessagePackCompression.Lz4BlockArray));
        var bytes = new byte[1_000];

        compressed.Serialize(bytes).Should().Equal(MessagePackSerializer.Serialize(bytes, compressed.Options));
        MessagePackMemorySerializer.Default.Serialize<byte[]?>(null).Should().Equal(MessagePackCode.Nil);
        MessagePackMemorySerializer.Default.Serialize(null, typeof(byte[])).Should().Equal(MessagePackCode.Nil);
    }
}
