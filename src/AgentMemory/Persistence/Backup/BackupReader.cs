using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AgentMemory.Persistence.Archive;
using MessagePack;

namespace AgentMemory.Persistence.Backup;

/// <summary>
/// A backup file that <see cref="BackupFormat.Open"/> has verified in full: its header, and its entries to read back
/// with <see cref="ReadEntries"/>.
/// </summary>
/// <remarks>
/// Not thread-safe: one enumeration at a time. The underlying stream must not change between verification and
/// reading; if it does, <see cref="ReadEntries"/> notices what no longer decodes and throws.
/// </remarks>
internal sealed class BackupReader : IDisposable
{
    private readonly Stream _stream;
    private readonly FileStream? _temp;
    private readonly long _chunksStart;
    private bool _disposed;

    private BackupReader(Stream stream, FileStream? temp, uint formatVersion, long createdTicks, string memoryName, long entryCount, long chunksStart)
    {
        _stream = stream;
        _temp = temp;
        FormatVersion = formatVersion;
        CreatedTicks = createdTicks;
        MemoryName = memoryName;
        EntryCount = entryCount;
        _chunksStart = chunksStart;
    }

    /// <summary>The format version the file was written in.</summary>
    public uint FormatVersion { get; }

    /// <summary>When the backup was taken, in UTC ticks.</summary>
    public long CreatedTicks { get; }

    /// <summary>The name of the memory that was backed up.</summary>
    public string MemoryName { get; }

    /// <summary>How many entries the backup holds.</summary>
    public long EntryCount { get; }

    /// <summary>
    /// Reads the entries back in the order they were written, one chunk at a time. May be enumerated again from the
    /// start.
    /// </summary>
    /// <returns>The entries.</returns>
    /// <exception cref="MemoryStorageException">The file changed since it was verified and no longer decodes.</exception>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    public IEnumerable<PersistedEntry> ReadEntries()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Read();

        IEnumerable<PersistedEntry> Read()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _stream.Position = _chunksStart;
            var input = new Input(_stream, hash: null);
            while (NextChunk(input) is { } chunk)
            {
                foreach (var entry in chunk)
                {
                    yield return entry;
                }
            }
        }
    }

    /// <summary>Reads and decodes the next chunk; null at the end marker.</summary>
    private static List<PersistedEntry>? NextChunk(Input input)
    {
        try
        {
            var offset = input.Position;
            var count = input.UInt32("a chunk header");
            return count == 0 ? null : DecodeChunk(input.Bytes(input.UInt32("a chunk header"), "a chunk"), count, offset);
        }
        catch (EndOfStreamException ex)
        {
            throw Rejected($"it changed after it was verified: {ex.Message}", ex);
        }
    }

    /// <summary>Closes the temporary copy, if one was made. The source stream stays open.</summary>
    public void Dispose()
    {
        _disposed = true;
        _temp?.Dispose();
    }

    /// <summary>Checks the whole of <paramref name="stream"/> (seekable, read from its position) and returns a reader on it.</summary>
    internal static BackupReader Verify(Stream stream, FileStream? temp)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var input = new Input(stream, hash);
        try
        {
            Span<byte> magic = stackalloc byte[8];
            input.Read(magic, "the magic bytes");
            if (!magic.SequenceEqual(BackupFormat.Magic))
            {
                throw Rejected("it does not start with the backup magic bytes, so it is not an AgentMemory backup (bad magic)");
            }

            var version = input.UInt32("the header");
            if (version != BackupFormat.Version)
            {
                throw Rejected($"it has format version {version}, and this version of AgentMemory reads format version {BackupFormat.Version} only (unsupported version)");
            }

            var created = input.Int64("the header");
            var nameLength = input.UInt32("the header");
            if (nameLength > BackupFormat.MaxNameBytes)
            {
                throw Rejected($"its header declares a {nameLength}-byte memory name, longer than the {BackupFormat.MaxNameBytes} allowed (damaged header)");
            }

            var nameBytes = input.Bytes(nameLength, "the memory name");
            var chunksStart = input.Position;
            long total = 0;
            string? undecodable = null;
            while (true)
            {
                var offset = input.Position;
                var count = input.UInt32("a chunk header");
                if (count == 0)
                {
                    break;
                }

                var payload = input.Bytes(input.UInt32("a chunk header"), "a chunk");
                total += count;
                if (undecodable is null)
                {
                    try
                    {
                        DecodeChunk(payload, count, offset);
                    }
                    catch (MemoryStorageException ex)
                    {
                        undecodable = ex.Message;
                    }
                }
            }

            Span<byte> trailer = stackalloc byte[8];
            input.Read(trailer, "the trailer");
            var declared = input.Int64("the trailer");
            var computed = hash.GetHashAndReset();
            var expected = new byte[BackupFormat.HashSize];
            input.Read(expected, "the checksum", hashed: false);
            if (stream.ReadByte() >= 0)
            {
                throw Rejected($"it has data after its trailer at offset {input.Position} (altered)");
            }

            if (!CryptographicOperations.FixedTimeEquals(computed, expected))
            {
                throw Rejected("its SHA-256 checksum does not match its contents (checksum mismatch: the file was altered or damaged)");
            }

            if (!trailer.SequenceEqual(BackupFormat.TrailerMagic))
            {
                throw Rejected($"its trailer does not start with the trailer magic bytes (damaged)");
            }

            if (undecodable is not null)
            {
                throw new MemoryStorageException(undecodable);
            }

            if (declared != total)
            {
                throw Rejected($"its trailer declares {declared} entries but its chunks hold {total} (damaged)");
            }

            string name;
            try
            {
                name = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(nameBytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw Rejected($"its memory name is not valid UTF-8 ({ex.Message})");
            }

            return new BackupReader(stream, temp, version, created, name, total, chunksStart);
        }
        catch (EndOfStreamException ex)
        {
            throw Rejected($"it is truncated: {ex.Message} (or a length field in it is damaged)", ex);
        }
    }

    /// <summary>Decodes one chunk's records, checking that there are exactly <paramref name="count"/> of them.</summary>
    private static List<PersistedEntry> DecodeChunk(byte[] payload, uint count, long offset)
    {
        byte[] raw;
        try
        {
            raw = Lz4Block.Decompress(payload);
        }
        catch (InvalidDataException ex)
        {
            throw Rejected($"the chunk at offset {offset} does not decompress ({ex.Message})", ex);
        }

        var entries = new List<PersistedEntry>((int)Math.Min(count, BackupFormat.ChunkRecords));
        try
        {
            var reader = new MessagePackReader(raw);
            for (var i = 0u; i < count; i++)
            {
                entries.Add(ArchiveRecordCodec.Read(ref reader, out var key) ?? throw new InvalidDataException($"the record for '{key}' is a tombstone, which a backup never holds"));
            }

            if (!reader.End)
            {
                throw new InvalidDataException($"{raw.Length - reader.Consumed} bytes follow the chunk's last record");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or MessagePackSerializationException or EndOfStreamException)
        {
            throw Rejected($"the chunk at offset {offset} holds records that do not decode ({ex.Message})", ex);
        }

        return entries;
    }

    private static MemoryStorageException Rejected(string reason, Exception? inner = null) =>
        new($"The backup cannot be restored: {reason}.", inner);

    /// <summary>Reads exact byte counts from the stream, hashing them when asked, and keeps the position.</summary>
    private sealed class Input(Stream stream, IncrementalHash? hash)
    {
        private readonly byte[] _scratch = new byte[8];

        public long Position { get; private set; } = stream.Position;

        public void Read(Span<byte> buffer, string what, bool hashed = true)
        {
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read < buffer.Length)
            {
                throw new EndOfStreamException($"it ends at offset {Position + read}, inside {what}");
            }

            if (hashed)
            {
                hash?.AppendData(buffer);
            }

            Position += buffer.Length;
        }

        public uint UInt32(string what)
        {
            Read(_scratch.AsSpan(0, 4), what);
            return BinaryPrimitives.ReadUInt32LittleEndian(_scratch);
        }

        public long Int64(string what)
        {
            Read(_scratch, what);
            return BinaryPrimitives.ReadInt64LittleEndian(_scratch);
        }

        public byte[] Bytes(uint length, string what)
        {
            // Refuse a length the rest of the stream cannot hold before allocating for it.
            if (length > stream.Length - stream.Position)
            {
                throw new EndOfStreamException($"{what} at offset {Position} declares {length} bytes but only {Math.Max(0, stream.Length - stream.Position)} are left");
            }

            var bytes = new byte[length];
            Read(bytes, what);
            return bytes;
        }
    }
}
