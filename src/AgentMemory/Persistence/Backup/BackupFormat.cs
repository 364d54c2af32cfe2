using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AgentMemory.Persistence.Archive;
using MessagePack;

namespace AgentMemory.Persistence.Backup;

/// <summary>
/// The backup file format: a self-describing, checksummed, compressed stream of <see cref="PersistedEntry"/> records.
/// </summary>
/// <remarks>
/// <para>Layout, all integers little-endian:</para>
/// <list type="number">
/// <item>Header: the 8 magic bytes <c>AMBACKUP</c>, the format version (u32), the creation time in UTC ticks (i64),
/// the memory's name (u32 byte length, then UTF-8).</item>
/// <item>Chunks: each <c>[u32 record count ≥ 1][u32 payload length][payload]</c>, the payload an LZ4 block (see
/// <see cref="Lz4Block"/>) of the chunk's records in MessagePack (see <see cref="ArchiveRecordCodec"/>). Chunks hold at
/// most <see cref="ChunkRecords"/> records or about <see cref="ChunkBytes"/> bytes, so neither side ever holds more
/// than one chunk in memory.</item>
/// <item>An end marker: a u32 record count of 0.</item>
/// <item>Trailer: the 8 bytes <c>AMBKEND\n</c>, the entry count (i64), then the SHA-256 of every byte before it.</item>
/// </list>
/// <para>
/// The entry count sits in the trailer rather than the header so that a backup can be streamed to a non-seekable
/// destination without knowing the count first; the reader checks the whole file before it hands out the header,
/// so it knows the count before the first entry. Stateless and thread-safe.
/// </para>
/// </remarks>
internal static class BackupFormat
{
    /// <summary>The format version this code writes and reads.</summary>
    public const uint Version = 1;

    /// <summary>The most records one chunk holds.</summary>
    public const int ChunkRecords = 4096;

    /// <summary>A chunk is cut once its records' encoding reaches this many bytes.</summary>
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>The longest memory name, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 4096;

    /// <summary>The size of the SHA-256 that ends the file.</summary>
    public const int HashSize = 32;

    /// <summary>The magic bytes at the start of a backup.</summary>
    public static ReadOnlySpan<byte> Magic => "AMBACKUP"u8;

    /// <summary>The magic bytes at the start of the trailer.</summary>
    public static ReadOnlySpan<byte> TrailerMagic => "AMBKEND\n"u8;

    /// <summary>
    /// Writes a backup of <paramref name="entries"/> to <paramref name="destination"/>, streaming: the entries are
    /// enumerated once and at most one chunk of them is held in memory. The stream is left open and not flushed to
    /// disk; the caller flushes (and fsyncs) it.
    /// </summary>
    /// <param name="destination">Where to write; need not be seekable.</param>
    /// <param name="memoryName">The name of the memory backed up.</param>
    /// <param name="createdTicks">When the backup was taken, in UTC ticks.</param>
    /// <param name="entries">The entries.</param>
    /// <returns>How many entries were written.</returns>
    /// <exception cref="ArgumentNullException">An argument, or one of the entries, is null.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="destination"/> is not writable, <paramref name="memoryName"/> is longer than
    /// <see cref="MaxNameBytes"/> in UTF-8 or not valid text, or an entry has an empty key or a null payload.
    /// </exception>
    /// <exception cref="IOException">Writing to <paramref name="destination"/> failed.</exception>
    public static long Write(Stream destination, string memoryName, long createdTicks, IEnumerable<PersistedEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(memoryName);
        ArgumentNullException.ThrowIfNull(entries);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("The backup destination stream is not writable.", nameof(destination));
        }

        byte[] name;
        try
        {
            name = new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(memoryName);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("The memory name is not valid text (it has an unpaired surrogate).", nameof(memoryName), ex);
        }

        if (name.Length > MaxNameBytes)
        {
            throw new ArgumentException($"The memory name is {name.Length} bytes in UTF-8; a backup allows at most {MaxNameBytes}.", nameof(memoryName));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var scratch = new byte[8];
        void Put(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            destination.Write(bytes);
        }

        void PutUInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(scratch, value);
            Put(scratch.AsSpan(0, 4));
        }

        void PutInt64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(scratch, value);
            Put(scratch);
        }

        Put(Magic);
        PutUInt32(Version);
        PutInt64(createdTicks);
        PutUInt32((uint)name.Length);
        Put(name);

        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var writer = new MessagePackWriter(buffer);
        var inChunk = 0;
        var total = 0L;
        void EmitChunk()
        {
            var payload = Lz4Block.Compress(buffer.WrittenSpan);
            PutUInt32((uint)inChunk);
            PutUInt32((uint)payload.Length);
            Put(payload);
            buffer.ResetWrittenCount();
            inChunk = 0;
        }

        foreach (var entry in entries)
        {
            ArchiveRecordCodec.CheckEntry(entry, nameof(entries));
            ArchiveRecordCodec.WriteEntry(ref writer, entry);
            writer.Flush();
            inChunk++;
            total++;
            if (inChunk >= ChunkRecords || buffer.WrittenCount >= ChunkBytes)
            {
                EmitChunk();
                writer = new MessagePackWriter(buffer);
            }
        }

        if (inChunk > 0)
        {
            EmitChunk();
        }

        PutUInt32(0);
        Put(TrailerMagic);
        PutInt64(total);
        destination.Write(hash.GetHashAndReset());
        return total;
    }

    /// <summary>
    /// Opens a backup for reading and verifies all of it first: the magic bytes, the format version, the structure,
    /// the SHA-256 checksum, that every chunk decodes, and the entry count. Only a backup that passes every check
    /// is returned, so a restore that applies <see cref="BackupReader.ReadEntries"/> never stops halfway on a
    /// damaged file.
    /// </summary>
    /// <param name="source">
    /// The backup, read from its current position. A non-seekable stream is copied to a temporary file (deleted when
    /// the reader is disposed) so it can be read twice. The reader does not dispose <paramref name="source"/>.
    /// </param>
    /// <param name="tempDirectory">Where to put that temporary file; null for the system's temporary directory.</param>
    /// <returns>The verified reader.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="source"/> is not readable.</exception>
    /// <exception cref="MemoryStorageException">
    /// The file is not a backup (bad magic), has an unsupported format version, is truncated, fails its checksum,
    /// has data after its trailer, or holds records that do not decode; the message says which, and where.
    /// </exception>
    /// <exception cref="IOException">Reading <paramref name="source"/> or writing the temporary file failed.</exception>
    public static BackupReader Open(Stream source, string? tempDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.CanRead)
        {
            throw new ArgumentException("The backup source stream is not readable.", nameof(source));
        }

        FileStream? temp = null;
        var stream = source;
        if (!source.CanSeek)
        {
            var path = Path.Combine(tempDirectory ?? Path.GetTempPath(), $"agentmemory-restore-{Guid.NewGuid():N}.tmp");
            temp = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
            try
            {
                source.CopyTo(temp);
                temp.Position = 0;
            }
            catch
            {
                temp.Dispose();
                throw;
            }

            stream = temp;
        }

        try
        {
            return BackupReader.Verify(stream, temp);
        }
        catch
        {
            temp?.Dispose();
            throw;
        }
    }
}
