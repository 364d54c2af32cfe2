using System.Buffers.Binary;
using System.IO.Hashing;
using MessagePack;

namespace AgentMemory.Persistence.Archive;

/// <summary>Opening an archive: scanning the segments, rebuilding the index, cutting off a torn last write.</summary>
internal sealed partial class ArchiveStore
{
    /// <summary>
    /// Opens the archive in <paramref name="options"/>' directory, creating the directory when it is missing, and
    /// rebuilds the index by scanning every segment in order: a later record of a key wins over an earlier one, a
    /// tombstone removes the key, and a record already expired at <paramref name="time"/>'s current time counts as
    /// removed. A write torn by a crash at the very end of the last segment is cut off (it was never acknowledged).
    /// </summary>
    /// <param name="options">The settings; copied, so later changes do not affect the archive.</param>
    /// <param name="time">The clock used for expiry.</param>
    /// <returns>The open archive.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message names each bad option.</exception>
    /// <exception cref="MemoryStorageException">
    /// The directory cannot be created or is open in another archive, a segment has the wrong magic bytes or an
    /// unsupported format version, or a block other than a torn last write is damaged or does not decode. The
    /// message names the file and the offset. Nothing is repaired or reset in that case.
    /// </exception>
    public static ArchiveStore Open(ArchiveOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        var directory = Path.GetFullPath(options.Directory);
        FileStream lockFile;
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            lockFile = new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MemoryStorageException($"The archive directory '{directory}' could not be opened (is another archive using it?): {ex.Message}", ex);
        }

        var store = new ArchiveStore(options, directory, time, lockFile);
        try
        {
            store.Load();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private void Load()
    {
        var found = new List<(int Id, string Path)>();
        foreach (var path in System.IO.Directory.EnumerateFiles(_directory, "segment-*.arc"))
        {
            if (ArchiveSegment.TryParseId(Path.GetFileName(path), out var id))
            {
                found.Add((id, path));
            }
        }

        found.Sort((a, b) => a.Id.CompareTo(b.Id));
        var now = _time.GetUtcNow().UtcTicks;
        for (var i = 0; i < found.Count; i++)
        {
            ArchiveSegment segment;
            try
            {
                segment = ArchiveSegment.OpenExisting(found[i].Id, found[i].Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new MemoryStorageException($"The archive segment '{found[i].Path}' could not be opened: {ex.Message}", ex);
            }

            _segments[segment.Id] = segment;
            LoadSegment(segment, isLast: i == found.Count - 1, now);
        }

        if (found.Count == 0)
        {
            var first = CreateSegment(1);
            _segments[first.Id] = first;
        }

        _active = _segments[found.Count == 0 ? 1 : found[^1].Id];
        _totalBytes = _segments.Values.Sum(s => s.Length);
    }

    private void LoadSegment(ArchiveSegment segment, bool isLast, long now)
    {
        try
        {
            ScanSegment(segment, isLast, now);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MemoryStorageException($"Reading the archive segment '{segment.Path}' failed: {ex.Message}", ex);
        }
    }

    private void ScanSegment(ArchiveSegment segment, bool isLast, long now)
    {
        var length = segment.Length;
        var header = new byte[ArchiveFormat.HeaderSize];
        var read = ReadFully(segment, 0, header);
        if (read < ArchiveFormat.HeaderSize)
        {
            // A crash right after a segment was created can leave a short header; only then, and only in the
            // last segment, is it a write that was never acknowledged.
            if (isLast && (header.AsSpan(0, read).SequenceEqual(ArchiveFormat.Header().AsSpan(0, read)) || !header.AsSpan(0, read).ContainsAnyExcept((byte)0)))
            {
                RandomAccess.SetLength(segment.Handle, 0);
                RandomAccess.Write(segment.Handle, ArchiveFormat.Header(), 0);
                RandomAccess.FlushToDisk(segment.Handle);
                segment.Length = ArchiveFormat.HeaderSize;
                return;
            }

            throw Damaged(segment.Path, 0, $"the file is {read} bytes long, shorter than a segment header ({ArchiveFormat.HeaderSize} bytes)");
        }

        if (!header.AsSpan(0, ArchiveFormat.Magic.Length).SequenceEqual(ArchiveFormat.Magic))
        {
            throw Damaged(segment.Path, 0, "the file does not start with the archive's magic bytes, so it is not an archive segment");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
        if (version != ArchiveFormat.Version)
        {
            throw new MemoryStorageException($"The archive segment '{segment.Path}' has format version {version} (at offset 8); this version of AgentMemory reads format version {ArchiveFormat.Version} only.");
        }

        long offset = ArchiveFormat.HeaderSize;
        var prefix = new byte[ArchiveFormat.BlockHeaderSize];
        while (offset < length)
        {
            var remaining = length - offset;
            if (remaining < ArchiveFormat.BlockHeaderSize)
            {
                CutTornTail(segment, isLast, offset, $"only {remaining} bytes are left, too few for a block prefix");
                return;
            }

            ReadFully(segment, offset, prefix);
            var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
            if (payloadLength > remaining - ArchiveFormat.BlockHeaderSize)
            {
                CutTornTail(segment, isLast, offset, $"the block prefix declares {payloadLength} bytes but only {remaining - ArchiveFormat.BlockHeaderSize} follow");
                return;
            }

            if (payloadLength > ArchiveFormat.MaxPayloadLength)
            {
                throw Damaged(segment.Path, offset, $"the block prefix declares {payloadLength} bytes, more than a block may hold");
            }

            if (payloadLength == 0)
            {
                CutTornTail(segment, isLast && IsZeroFrom(segment, offset, length), offset, "the block prefix declares an empty block");
                return;
            }

            var end = offset + ArchiveFormat.BlockHeaderSize + payloadLength;
            using (var payload = new PooledBuffer((int)payloadLength))
            {
                ReadFully(segment, offset + ArchiveFormat.BlockHeaderSize, payload.Span);
                if (Crc32.HashToUInt32(payload.Span) != BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(4)))
                {
                    CutTornTail(segment, isLast && (end == length || IsZeroFrom(segment, end, length)), offset, "the block's CRC-32 does not match its contents");
                    return;
                }

                using var raw = DecodePayload(segment.Path, offset, payload.Span);
                IndexBlock(segment, offset, (int)(end - offset), raw.Memory, now);
            }

            offset = end;
        }
    }

    /// <summary>Indexes the records of one checked block, in order.</summary>
    private void IndexBlock(ArchiveSegment segment, long offset, int blockLength, ReadOnlyMemory<byte> raw, long now)
    {
        try
        {
            var reader = new MessagePackReader(raw);
            var count = reader.ReadArrayHeader();
            for (var i = 0; i < count; i++)
            {
                var start = i == 0 ? 0 : reader.Consumed;
                var isEntry = ArchiveRecordCodec.ReadIndexFields(ref reader, out var key, out var expiresTicks);
                if (!isEntry || now >= expiresTicks)
                {
                    if (_index.TryRemove(key, out var old))
                    {
                        _liveBytes -= old.Bytes;
                    }

                    continue;
                }

                var share = Share(blockLength, start, i == count - 1 ? raw.Length : reader.Consumed, raw.Length);
                Index(_index, key, new ArchiveLocation(segment.Id, offset, blockLength, i, expiresTicks, share));
            }

            if (!reader.End)
            {
                throw new InvalidDataException($"{raw.Length - reader.Consumed} bytes follow the block's last record");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or MessagePackSerializationException or EndOfStreamException)
        {
            throw Damaged(segment.Path, offset, $"the block passed its checksum but its records do not decode ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// Cuts the segment off at <paramref name="offset"/> when the damage there is a torn last write; otherwise throws.
    /// </summary>
    private static void CutTornTail(ArchiveSegment segment, bool torn, long offset, string reason)
    {
        if (!torn)
        {
            throw Damaged(segment.Path, offset, reason);
        }

        RandomAccess.SetLength(segment.Handle, offset);
        RandomAccess.FlushToDisk(segment.Handle);
        segment.Length = offset;
    }

    /// <summary>True when every byte from <paramref name="offset"/> to <paramref name="length"/> is zero.</summary>
    private static bool IsZeroFrom(ArchiveSegment segment, long offset, long length)
    {
        var buffer = new byte[64 * 1024];
        while (offset < length)
        {
            var read = RandomAccess.Read(segment.Handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - offset)), offset);
            if (read == 0)
            {
                return true;
            }

            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                return false;
            }

            offset += read;
        }

        return true;
    }
}
