using System.Buffers.Binary;
using AgentMemory.Persistence;
using AgentMemory.Persistence.Backup;
using static AgentMemory.Tests.Persistence.PersistedEntries;

namespace AgentMemory.Tests.Persistence.Backup;

public sealed class BackupFormatTests
{
    private const long Created = 638_000_000_000_000_000;

    [Fact]
    public void WriteThenOpen_TenThousandEntries_RoundTripInOrderWithTheHeader()
    {
        var entries = Many(10_000);
        using var stream = new MemoryStream();

        BackupFormat.Write(stream, "agent-memory ✓", Created, entries).Should().Be(10_000);
        stream.Position = 0;
        using var reader = BackupFormat.Open(stream);

        reader.MemoryName.Should().Be("agent-memory ✓");
        reader.CreatedTicks.Should().Be(Created);
        reader.FormatVersion.Should().Be(BackupFormat.Version);
        reader.EntryCount.Should().Be(10_000);
        reader.ReadEntries().Select(Describe).Should().Equal(entries.Select(Describe));
        reader.ReadEntries().Count().Should().Be(10_000, "the entries can be read again");
    }

    [Fact]
    public void WriteThenOpen_NoEntries_RoundTrips()
    {
        using var stream = new MemoryStream();
        BackupFormat.Write(stream, "", 0, []);
        stream.Position = 0;

        using var reader = BackupFormat.Open(stream);

        reader.EntryCount.Should().Be(0);
        reader.MemoryName.Should().BeEmpty();
        reader.ReadEntries().Should().BeEmpty();
    }

    [Fact]
    public void Open_NonSeekableStream_IsBufferedToATempFile_ThatIsDeletedOnDispose()
    {
        var bytes = Backup(Many(500));
        using var temp = new TempDirectory();

        var reader = BackupFormat.Open(new ForwardOnlyStream(bytes), temp.Path);
        Directory.GetFiles(temp.Path).Should().HaveCount(1);
        reader.ReadEntries().Count().Should().Be(500);
        reader.Dispose();

        Directory.GetFiles(temp.Path).Should().BeEmpty();
    }

    [Fact]
    public void Write_StreamsChunks_WhileTheEntriesAreStillBeingEnumerated()
    {
        using var stream = new MemoryStream();
        long lengthWhenHalfEnumerated = -1;

        IEnumerable<PersistedEntry> Lazily()
        {
            for (var i = 0; i < 3 * BackupFormat.ChunkRecords; i++)
            {
                if (i == 2 * BackupFormat.ChunkRecords)
                {
                    lengthWhenHalfEnumerated = stream.Length;
                }

                yield return Create($"k{i}", "v", seed: i);
            }
        }

        BackupFormat.Write(stream, "m", Created, Lazily());

        lengthWhenHalfEnumerated.Should().BeGreaterThan(0, "full chunks are written out before the rest is enumerated");
        lengthWhenHalfEnumerated.Should().BeLessThan(stream.Length);
    }

    [Fact]
    public void Open_TruncatedAnywhere_IsRejectedAsTruncated()
    {
        var bytes = Backup(Many(3000));
        foreach (var length in new[] { 0, 4, 10, 30, bytes.Length / 3, bytes.Length / 2, bytes.Length - 60, bytes.Length - 33, bytes.Length - 1 })
        {
            var open = () => BackupFormat.Open(new MemoryStream(bytes, 0, length));

            open.Should().Throw<MemoryStorageException>($"a backup cut to {length} of {bytes.Length} bytes is incomplete").WithMessage("*truncated*");
        }
    }

    [Fact]
    public void Open_OneFlippedByteAnywhere_IsRejected()
    {
        var bytes = Backup(Many(3000));
        var positions = new[] { 0, 7, 8, 12, 20, 24, 30, 40, 100, bytes.Length / 4, bytes.Length / 2, (3 * bytes.Length) / 4, bytes.Length - 52, bytes.Length - 45, bytes.Length - 40, bytes.Length - 32, bytes.Length - 1 };
        foreach (var position in positions)
        {
            var altered = (byte[])bytes.Clone();
            altered[position] ^= 0x01;

            var open = () => BackupFormat.Open(new MemoryStream(altered));

            open.Should().Throw<MemoryStorageException>($"byte {position} of {bytes.Length} was flipped");
        }
    }

    [Fact]
    public void Open_FlippedByteInsideAChunk_IsAChecksumMismatch()
    {
        var bytes = Backup(Many(3000));
        bytes[bytes.Length / 2] ^= 0x40;

        var open = () => BackupFormat.Open(new MemoryStream(bytes));

        open.Should().Throw<MemoryStorageException>().WithMessage("*checksum mismatch*");
    }

    [Fact]
    public void Open_WrongMagic_IsRejectedAsNotABackup()
    {
        var bytes = Backup(Many(10));
        "NOTABACK"u8.CopyTo(bytes);

        var open = () => BackupFormat.Open(new MemoryStream(bytes));

        open.Should().Throw<MemoryStorageException>().WithMessage("*bad magic*");
    }

    [Fact]
    public void Open_FutureFormatVersion_IsRejectedAsUnsupported()
    {
        var bytes = Backup(Many(10));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), BackupFormat.Version + 1);

        var open = () => BackupFormat.Open(new MemoryStream(bytes));

        open.Should().Throw<MemoryStorageException>().WithMessage("*format version 2*unsupported version*");
    }

    [Fact]
    public void Open_ExtraBytesAfterTheTrailer_AreRejected()
    {
        var bytes = Backup(Many(10));

        var open = () => BackupFormat.Open(new MemoryStream([.. bytes, 0]));

        open.Should().Throw<MemoryStorageException>().WithMessage("*after its trailer*");
    }

    [Fact]
    public void Open_NothingIsYieldedFromARejectedFile_BecauseVerificationComesFirst()
    {
        var bytes = Backup(Many(9000));
        bytes[^100] ^= 0x01;
        var yielded = 0;

        var restore = () =>
        {
            using var reader = BackupFormat.Open(new MemoryStream(bytes));
            foreach (var entry in reader.ReadEntries())
            {
                yielded++;
            }
        };

        restore.Should().Throw<MemoryStorageException>();
        yielded.Should().Be(0);
    }

    [Fact]
    public void ReadEntries_FileCutAfterVerification_ThrowsAStorageError()
    {
        var stream = new MemoryStream();
        BackupFormat.Write(stream, "m", Created, Many(3 * BackupFormat.ChunkRecords));
        stream.Position = 0;
        using var reader = BackupFormat.Open(stream);
        stream.SetLength(stream.Length / 2);

        var read = () => reader.ReadEntries().Count();

        read.Should().Throw<MemoryStorageException>().WithMessage("*changed after it was verified*");
    }

    [Fact]
    public void Write_BadArguments_Throw()
    {
        using var stream = new MemoryStream();

        FluentActions.Invoking(() => BackupFormat.Write(null!, "m", 0, [])).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => BackupFormat.Write(stream, null!, 0, [])).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => BackupFormat.Write(stream, "m", 0, null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => BackupFormat.Write(new MemoryStream([], writable: false), "m", 0, [])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => BackupFormat.Write(stream, new string('n', BackupFormat.MaxNameBytes + 1), 0, [])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => BackupFormat.Write(stream, "bad \ud800 name", 0, [])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => BackupFormat.Write(stream, "m", 0, [Create("", "v")])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => BackupFormat.Open(null!)).Should().Throw<ArgumentNullException>();
    }

    private static List<PersistedEntry> Many(int count) =>
        Enumerable.Range(0, count).Select(i => Create($"key:{i}", $"value number {i} " + new string((char)('a' + (i % 26)), i % 50), i % 3 == 0 ? Created + i : PersistedEntry.NoExpiry, seed: i)).ToList();

    private static byte[] Backup(IEnumerable<PersistedEntry> entries)
    {
        using var stream = new MemoryStream();
        BackupFormat.Write(stream, "memory", Created, entries);
        return stream.ToArray();
    }

    /// <summary>A readable stream that cannot seek, like a network or pipe stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
