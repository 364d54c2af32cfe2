using System.Buffers.Binary;
using AgentMemory.Persistence.Archive;
using CsCheck;

namespace AgentMemory.Tests.Persistence.Archive;

public sealed class Lz4BlockTests
{
    [Fact]
    public void CompressThenDecompress_AnyBytes_RoundTrips()
    {
        Gen.Byte.Array[0, 5000].Sample(bytes => Lz4Block.Decompress(Lz4Block.Compress(bytes)).AsSpan().SequenceEqual(bytes), iter: 300);
    }

    [Fact]
    public void Decompress_DeclaredLengthBeyondWhatTheDataCanExpandTo_IsRefusedBeforeAllocating()
    {
        var block = Lz4Block.Compress(new byte[1000]);
        BinaryPrimitives.WriteUInt32LittleEndian(block, uint.MaxValue);

        var decode = () => Lz4Block.Decompress(block);

        decode.Should().Throw<InvalidDataException>().WithMessage("*impossible uncompressed length*");
    }

    [Fact]
    public void Decompress_WrongDeclaredLengthOrGarbage_Throws()
    {
        var block = Lz4Block.Compress("hello hello hello hello"u8);
        BinaryPrimitives.WriteUInt32LittleEndian(block, 5);

        FluentActions.Invoking(() => Lz4Block.Decompress(block)).Should().Throw<InvalidDataException>();
        FluentActions.Invoking(() => Lz4Block.Decompress([1, 2])).Should().Throw<InvalidDataException>();
        FluentActions.Invoking(() => Lz4Block.Decompress([0, 0, 0, 0, 9])).Should().Throw<InvalidDataException>();
        FluentActions.Invoking(() => Lz4Block.Decompress([50, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF])).Should().Throw<InvalidDataException>();
    }
}
