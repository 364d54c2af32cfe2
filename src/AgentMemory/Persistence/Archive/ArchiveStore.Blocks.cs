using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Hashing;
using MessagePack;

namespace AgentMemory.Persistence.Archive;

/// <summary>Encoding, writing, reading and decoding blocks.</summary>
internal sealed partial class ArchiveStore
{
    /// <summary>
    /// Encodes <paramref name="count"/> records (an entry, or a key with null for a tombstone) as one block, prefix
    /// and checksum included; reports each record's share of the block's bytes (see <see cref="Share"/>).
    /// </summary>
    private byte[] EncodeBlock(int count, Func<int, (string Key, PersistedEntry? Entry)> record, out long[] shares)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(count);
        writer.Flush();
        var ends = new int[count];
        for (var i = 0; i < count; i++)
        {
            var (key, entry) = record(i);
            if (entry is null)
            {
                ArchiveRecordCodec.WriteTombstone(ref writer, key);
            }
            else
            {
                ArchiveRecordCodec.WriteEntry(ref writer, entry);
            }

            writer.Flush();
            ends[i] = buffer.WrittenCount;
        }

        var rawLength = buffer.WrittenCount;
        var compressed = Lz4Block.Compress(buffer.WrittenSpan);
        var payload = _transform is null ? compressed : _transform.Encode(compressed);
        if (payload.Length > ArchiveFormat.MaxPayloadLength)
        {
            throw new ArgumentException($"The batch encodes to {payload.Length} bytes, more than one archive block can hold ({ArchiveFormat.MaxPayloadLength}); append it in smaller batches.");
        }

        var block = new byte[ArchiveFormat.BlockHeaderSize + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(block, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(4), Crc32.HashToUInt32(payload));
        payload.CopyTo(block.AsSpan(ArchiveFormat.BlockHeaderSize));
        shares = new long[count];
        for (var i = 0; i < count; i++)
        {
            shares[i] = Share(block.Length, i == 0 ? 0 : ends[i - 1], i == count - 1 ? rawLength : ends[i], rawLength);
        }

        return block;
    }

    /// <summary>
    /// Appends <paramref name="block"/> to the segment chain that ends at <paramref name="active"/>, starting a new
    /// segment first when the block would push the active one past its size limit, and fsyncs. On failure the
    /// partial write is cut off again, so nothing unacknowledged stays in the file.
    /// </summary>
    private (int Segment, long Offset) WriteBlock(ref ArchiveSegment active, byte[] block, ConcurrentDictionary<int, ArchiveSegment> segments)
    {
        if (active.Length > ArchiveFormat.HeaderSize && active.Length + block.Length > _maxSegmentBytes)
        {
            var next = CreateSegment(active.Id + 1);
            segments[next.Id] = next;
            active = next;
            if (ReferenceEquals(segments, _segments))
            {
                Interlocked.Add(ref _totalBytes, ArchiveFormat.HeaderSize);
            }
        }

        var offset = active.Length;
        try
        {
            RandomAccess.Write(active.Handle, block, offset);
            RandomAccess.FlushToDisk(active.Handle);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                RandomAccess.SetLength(active.Handle, offset);
                RandomAccess.FlushToDisk(active.Handle);
            }
            catch (Exception cut) when (cut is IOException or UnauthorizedAccessException)
            {
                if (ReferenceEquals(segments, _segments))
                {
                    _faulted = $"The archive in '{_directory}' refuses writes: a failed write to '{active.Path}' at offset {offset} could not be cut off again ({cut.Message}). Reopen the archive to recover.";
                }
            }

            throw new MemoryStorageException($"Writing {block.Length} bytes to the archive segment '{active.Path}' at offset {offset} failed: {ex.Message}", ex);
        }

        active.Length = offset + block.Length;
        if (ReferenceEquals(segments, _segments))
        {
            Interlocked.Add(ref _totalBytes, block.Length);
        }

        return (active.Id, offset);
    }

    /// <summary>Creates segment <paramref name="id"/> with its header, fsynced.</summary>
    private ArchiveSegment CreateSegment(int id)
    {
        ArchiveSegment segment;
        try
        {
            segment = ArchiveSegment.CreateNew(id, _directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MemoryStorageException($"Creating the archive segment {ArchiveSegment.FileName(id)} in '{_directory}' failed: {ex.Message}", ex);
        }

        try
        {
            RandomAccess.Write(segment.Handle, ArchiveFormat.Header(), 0);
            RandomAccess.FlushToDisk(segment.Handle);
            segment.Length = ArchiveFormat.HeaderSize;
            return segment;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            segment.Dispose();
            TryDelete(segment.Path);
            throw new MemoryStorageException($"Writing the header of the archive segment '{segment.Path}' failed: {ex.Message}", ex);
        }
    }

    /// <summary>Reads the record <paramref name="location"/> points at and checks that it is <paramref name="key"/>'s entry.</summary>
    private PersistedEntry ReadRecord(ArchiveSegment segment, ArchiveLocation location, string key)
    {
        using var raw = ReadBlock(segment, location.Offset, location.Length, key);
        try
        {
            var reader = new MessagePackReader(raw.Memory);
            var count = reader.ReadArrayHeader();
            if (location.Record >= count)
            {
                throw new InvalidDataException($"the block holds {count} records, not the expected record {location.Record}");
            }

            for (var i = 0; i < location.Record; i++)
            {
                reader.Skip();
            }

            var entry = ArchiveRecordCodec.Read(ref reader, out var found);
            return entry is not null && string.Equals(found, key, StringComparison.Ordinal)
                ? entry
                : throw new InvalidDataException($"record {location.Record} of the block is not the entry for this key");
        }
        catch (Exception ex) when (ex is InvalidDataException or MessagePackSerializationException or EndOfStreamException)
        {
            throw Damaged(segment.Path, location.Offset, $"the block does not decode ({ex.Message})", ex, key);
        }
    }

    /// <summary>
    /// Reads a whole block, checks its prefix and checksum, and returns its decoded MessagePack bytes; failures name
    /// <paramref name="key"/> when the read was for one key.
    /// </summary>
    private PooledBuffer ReadBlock(ArchiveSegment segment, long offset, int length, string? key = null)
    {
        using var rented = new PooledBuffer(length);
        var block = rented.Span;
        int read;
        try
        {
            read = ReadFully(segment, offset, block);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MemoryStorageException(key, $"Reading the archive segment '{segment.Path}' at offset {offset} failed: {ex.Message}", ex);
        }

        if (read < length)
        {
            throw Damaged(segment.Path, offset, $"the file ends {length - read} bytes short of the block", key: key);
        }

        var declared = BinaryPrimitives.ReadUInt32LittleEndian(block);
        if (declared != length - ArchiveFormat.BlockHeaderSize)
        {
            throw Damaged(segment.Path, offset, $"the block's length prefix reads {declared}, not {length - ArchiveFormat.BlockHeaderSize}", key: key);
        }

        var payload = block[ArchiveFormat.BlockHeaderSize..];
        if (Crc32.HashToUInt32(payload) != BinaryPrimitives.ReadUInt32LittleEndian(block[4..]))
        {
            throw Damaged(segment.Path, offset, "the block's CRC-32 does not match its contents", key: key);
        }

        return DecodePayload(segment.Path, offset, payload, key);
    }

    /// <summary>Reverses the block transform and the compression of a checked payload, into a pooled buffer.</summary>
    private PooledBuffer DecodePayload(string path, long offset, ReadOnlySpan<byte> payload, string? key = null)
    {
        if (_transform is not null)
        {
            try
            {
                payload = _transform.Decode(payload);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw Damaged(path, offset, $"the block transform could not decode the block ({ex.Message}); was the archive written with a different key?", ex, key);
            }
        }

        try
        {
            return Lz4Block.DecompressPooled(payload);
        }
        catch (InvalidDataException ex)
        {
            throw Damaged(path, offset, ex.Message, ex, key);
        }
    }

    /// <summary>Reads into <paramref name="buffer"/> until it is full or the file ends; returns the bytes read.</summary>
    private static int ReadFully(ArchiveSegment segment, long offset, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(segment.Handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static MemoryStorageException Damaged(string path, long offset, string reason, Exception? inner = null, string? key = null) =>
        new(key, $"The archive segment '{path}' is damaged at offset {offset}: {reason}. The archive cannot be used as it is; restore the directory from a backup or move the damaged file away.", inner);

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
