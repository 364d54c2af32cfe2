using System.Buffers.Binary;
using System.IO.Hashing;
using AgentMemory.Persistence.Archive;
using static AgentMemory.Tests.Persistence.PersistedEntries;

namespace AgentMemory.Tests.Persistence.Archive;

/// <summary>Crash safety: a torn last write is cut off; any other damage fails loudly and changes nothing.</summary>
public sealed class ArchiveStoreCorruptionTests
{
    [Fact]
    public void Open_LastBlockCutShort_CutsItOff_AndTheArchiveKeepsWorking()
    {
        using var harness = ThreeBlocks(out var segment, out var offsets);
        var length = new FileInfo(segment).Length;
        Truncate(segment, length - 5);

        harness.Open();

        harness.Store.Keys.Should().BeEquivalentTo(["a", "b"]);
        new FileInfo(segment).Length.Should().Be(offsets[2]);
        harness.Store.Append([Create("d", "4")]);
        harness.Reopen();
        harness.Store.Keys.Should().BeEquivalentTo(["a", "b", "d"]);
    }

    [Fact]
    public void Open_LastBlockCutAtEveryPossibleLength_KeepsEveryEarlierWrite()
    {
        using var harness = ThreeBlocks(out var segment, out var offsets);
        var original = File.ReadAllBytes(segment);
        for (var length = offsets[2]; length < original.Length; length++)
        {
            File.WriteAllBytes(segment, original.AsSpan(0, (int)length).ToArray());

            harness.Open();

            harness.Store.Keys.Should().BeEquivalentTo(["a", "b"], $"the segment was cut to {length} bytes");
            new FileInfo(segment).Length.Should().Be(offsets[2]);
            harness.Close();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void Open_PartialBlockPrefixAtTheEnd_IsCutOff(int bytes)
    {
        using var harness = ThreeBlocks(out var segment, out _);
        var length = new FileInfo(segment).Length;
        AppendBytes(segment, Enumerable.Repeat((byte)0xAB, bytes).ToArray());

        harness.Open();

        harness.Store.Keys.Should().BeEquivalentTo(["a", "b", "c"]);
        new FileInfo(segment).Length.Should().Be(length);
    }

    [Fact]
    public void Open_ChecksumMismatchInTheVeryLastBlock_IsATornWrite_AndIsCutOff()
    {
        using var harness = ThreeBlocks(out var segment, out var offsets);
        FlipByte(segment, new FileInfo(segment).Length - 1);

        harness.Open();

        harness.Store.Keys.Should().BeEquivalentTo(["a", "b"]);
        new FileInfo(segment).Length.Should().Be(offsets[2]);
    }

    [Fact]
    public void Open_ZeroFilledTail_IsCutOff()
    {
        using var harness = ThreeBlocks(out var segment, out _);
        var length = new FileInfo(segment).Length;
        AppendBytes(segment, new byte[100]);

        harness.Open();

        harness.Store.Keys.Should().BeEquivalentTo(["a", "b", "c"]);
        new FileInfo(segment).Length.Should().Be(length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Open_LastSegmentWithAShortHeader_GetsItsHeaderRewritten(int headerBytes)
    {
        using var harness = ThreeBlocks(out _, out _);
        File.WriteAllBytes(Path.Combine(harness.Directory, "segment-000002.arc"), ArchiveFormat.Header().AsSpan(0, headerBytes).ToArray());

        harness.Open();

        harness.Store.Keys.Should().BeEquivalentTo(["a", "b", "c"]);
        new FileInfo(Path.Combine(harness.Directory, "segment-000002.arc")).Length.Should().Be(ArchiveFormat.HeaderSize);
        harness.Store.Append([Create("d", "4")]);
        harness.Reopen();
        harness.Store.Keys.Should().BeEquivalentTo(["a", "b", "c", "d"]);
    }

    [Fact]
    public void Open_ChecksumMismatchInAMiddleBlock_ThrowsNamingFileAndOffset_AndChangesNothing()
    {
        using var harness = ThreeBlocks(out var segment, out var offsets);
        FlipByte(segment, offsets[1] + ArchiveFormat.BlockHeaderSize + 2);
        var before = File.ReadAllBytes(segment);

        var open = harness.Open;

        open.Should().Throw<MemoryStorageException>().WithMessage($"*{segment}*offset {offsets[1]}*CRC-32*");
        File.ReadAllBytes(segment).Should().Equal(before);
    }

    [Fact]
    public void Open_DamagedLengthPrefixInANonLastSegment_Throws()
    {
        using var harness = ThreeBlocks(out var segment, out var offsets);
        File.WriteAllBytes(Path.Combine(harness.Directory, "segment-000002.arc"), ArchiveFormat.Header());
        Truncate(segment, new FileInfo(segment).Length - 3);

        var open = harness.Open;

        open.Should().Throw<MemoryStorageException>().WithMessage($"*segment-000001.arc*offset {offsets[2]}*");
    }

    [Fact]
    public void Open_ChecksumMismatchInTheLastBlockOfANonLastSegment_Throws()
    {
        using var harness = ThreeBlocks(out var segment, out var offsets);
        File.WriteAllBytes(Path.Combine(harness.Directory, "segment-000002.arc"), ArchiveFormat.Header());
        FlipByte(segment, new FileInfo(segment).Length - 1);

        var open = harness.Open;

        open.Should().Throw<MemoryStorageException>().WithMessage($"*segment-000001.arc*offset {offsets[2]}*");
    }

    [Fact]
    public void Open_GarbageAfterAZeroLengthPrefix_IsDamageNotATornWrite()
    {
        using var harness = ThreeBlocks(out var segment, out _);
        AppendBytes(segment, [0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9]);

        var open = harness.Open;

        open.Should().Throw<MemoryStorageException>().WithMessage("*empty block*");
    }

    [Fact]
    public void Open_BadMagic_Throws()
    {
        using var harness = ThreeBlocks(out var segment, out _);
        FlipByte(segment, 0);

        var open = harness.Open;

        open.Should().Throw<MemoryStorageException>().WithMessage($"*{segment}*offset 0*magic*");
    }

    [Fact]
    public void Open_UnsupportedFormatVersion_Throws()
    {
        using var harness = ThreeBlocks(out var segment, out _);
        var bytes = File.ReadAllBytes(segment);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
        File.WriteAllBytes(segment, bytes);

        var open = harness.Open;

        open.Should().Throw<MemoryStorageException>().WithMessage($"*{segment}*format version 2*");
    }

    [Fact]
    public void Open_ForeignFileWithASegmentName_Throws()
    {
        using var harness = ThreeBlocks(out var segment, out _);
        File.WriteAllText(segment, "this is not an archive segment, just some text that is long enough");

        var open = harness.Open;

        open.Should().Throw<MemoryStorageException>().WithMessage("*not an archive segment*");
    }

    [Fact]
    public void Open_BlockWithAValidChecksumButUndecodableRecords_Throws_EvenAtTheEnd()
    {
        using var harness = ThreeBlocks(out var segment, out _);
        var length = new FileInfo(segment).Length;
        var payload = Lz4Block.Compress([0x91, 0x93, 0x07, 0xA1, 0x61, 0x00]);
        var block = new byte[ArchiveFormat.BlockHeaderSize + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(block, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(4), Crc32.HashToUInt32(payload));
        payload.CopyTo(block.AsSpan(ArchiveFormat.BlockHeaderSize));
        AppendBytes(segment, block);

        var open = harness.Open;

        open.Should().Throw<MemoryStorageException>().WithMessage($"*offset {length}*do not decode*");
    }

    [Fact]
    public void TryGet_BlockDamagedAfterOpen_ThrowsWithTheKey()
    {
        using var harness = ThreeBlocks(out var segment, out var offsets);
        harness.Open();
        FlipByte(segment, offsets[0] + ArchiveFormat.BlockHeaderSize + 1);

        var get = () => harness.Store.TryGet("a", harness.Now, out _);

        get.Should().Throw<MemoryStorageException>().Which.Key.Should().Be("a");
        harness.Get("b").Should().NotBeNull();
    }

    /// <summary>An archive with keys a, b, c in three blocks of one segment, closed.</summary>
    private static ArchiveHarness ThreeBlocks(out string segment, out long[] offsets)
    {
        var harness = new ArchiveHarness();
        harness.Store.Append([Create("a", "1")]);
        harness.Store.Append([Create("b", "2")]);
        harness.Store.Append([Create("c", "3")]);
        harness.Close();
        segment = harness.Segments.Single();
        offsets = BlockOffsets(segment);
        offsets.Should().HaveCount(3);
        return harness;
    }

    private static long[] BlockOffsets(string segment)
    {
        var bytes = File.ReadAllBytes(segment);
        var offsets = new List<long>();
        long offset = ArchiveFormat.HeaderSize;
        while (offset < bytes.Length)
        {
            offsets.Add(offset);
            offset += ArchiveFormat.BlockHeaderSize + BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)offset));
        }

        return offsets.ToArray();
    }

    private static void FlipByte(string path, long offset)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }

    private static void Truncate(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(length);
    }

    private static void AppendBytes(string path, byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write);
        file.Write(bytes);
    }
}
