using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AgentMemory.Serialization;

namespace AgentMemory.Vectors;

/// <summary>Snapshots of <see cref="FlatVectorIndex"/>: a checksummed binary image that reloads bit-for-bit.</summary>
public sealed partial class FlatVectorIndex
{
    // Layout: magic "AMVI" | version u16 | metric u8 | reserved u8 | dimensions i32 | count i32 | payload length i64
    //         | SHA-256 of payload (32 bytes) | payload.
    // Payload per entry: id (i32 byte length + UTF-8) | dimensions x f32 little-endian | metadata (i32 length + MessagePack, 0 = none).
    private const int FormatVersion = 1;
    private const int HeaderLength = 4 + 2 + 1 + 1 + 4 + 4 + 8 + 32;
    private static ReadOnlySpan<byte> Magic => "AMVI"u8;

    /// <summary>Writes a snapshot of every vector, id and metadata to <paramref name="stream"/>.</summary>
    /// <param name="stream">A writable stream; left open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    /// <remarks>Takes a consistent image: writes wait until the snapshot has been taken.</remarks>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] payload;
        int count;
        _lock.EnterReadLock();
        try
        {
            count = _slotsById.Count;
            using var buffer = new MemoryStream();
            var scratch = new byte[Dimensions * sizeof(float)];
            for (var slot = 0; slot < _highWater; slot++)
            {
                var id = _ids[slot];
                if (id is null)
                {
                    continue;
                }

                WriteBlock(buffer, Encoding.UTF8.GetBytes(id));
                var row = Row(slot);
                for (var i = 0; i < row.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(scratch.AsSpan(i * sizeof(float)), row[i]);
                }

                buffer.Write(scratch);
                WriteBlock(buffer, MetadataCodec.Encode(_metadata[slot]) ?? []);
            }

            payload = buffer.ToArray();
        }
        finally
        {
            _lock.ExitReadLock();
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], FormatVersion);
        header[6] = (byte)Metric;
        header[7] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], Dimensions);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], count);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], payload.Length);
        SHA256.HashData(payload, header[24..]);
        stream.Write(header);
        stream.Write(payload);
        stream.Flush();
    }

    /// <summary>Writes a snapshot to a file, replacing it atomically (written to a temporary file, then moved).</summary>
    /// <param name="path">The file path.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="ObjectDisposedException">The index is disposed.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void SaveToFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            Save(file);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a snapshot written by <see cref="Save"/> into a new index with the same dimensions, metric and contents.</summary>
    /// <param name="stream">A readable stream positioned at the snapshot; left open.</param>
    /// <param name="options">Capacity and parallelism settings for the new index; null for the defaults.</param>
    /// <returns>The loaded index.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="VectorSnapshotException">The data is not a snapshot, has an unknown version, is truncated or fails its checksum.</exception>
    /// <exception cref="IOException">The stream fails.</exception>
    public static FlatVectorIndex Load(Stream stream, FlatVectorIndexOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[HeaderLength];
        ReadExactly(stream, header, "header");
        if (!header[..4].SequenceEqual(Magic))
        {
            throw new VectorSnapshotException("The data is not a vector index snapshot (bad magic number).");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version != FormatVersion)
        {
            throw new VectorSnapshotException($"The snapshot has format version {version}; this library reads version {FormatVersion}.");
        }

        var metric = (VectorMetric)header[6];
        var dimensions = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        var length = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        if (!Enum.IsDefined(metric) || dimensions < 1 || count < 0 || length < 0 || length > Array.MaxLength
            || length < (long)count * dimensions * sizeof(float))
        {
            throw new VectorSnapshotException($"The snapshot header is corrupt (metric {header[6]}, {dimensions} dimensions, {count} vectors, {length} payload bytes).");
        }

        var payload = new byte[length];
        ReadExactly(stream, payload, "payload");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload, hash);
        if (!hash.SequenceEqual(header[24..]))
        {
            throw new VectorSnapshotException("The snapshot fails its checksum: the data is corrupt.");
        }

        options ??= new FlatVectorIndexOptions();
        var copy = new FlatVectorIndexOptions
        {
            InitialCapacity = Math.Max(count, options.InitialCapacity),
            ParallelThreshold = options.ParallelThreshold,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
        };
        var index = new FlatVectorIndex(dimensions, metric, copy);
        try
        {
            var vector = new float[dimensions];
            var offset = 0;
            for (var n = 0; n < count; n++)
            {
                var id = Encoding.UTF8.GetString(ReadBlock(payload, ref offset));
                var raw = Take(payload, ref offset, dimensions * sizeof(float));
                for (var i = 0; i < dimensions; i++)
                {
                    vector[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
                }

                var metadataBytes = ReadBlock(payload, ref offset);
                var metadata = metadataBytes.Length == 0 ? null : MetadataCodec.Decode(metadataBytes.ToArray());
                if (!index.Add(id, vector, metadata))
                {
                    throw new VectorSnapshotException($"The snapshot holds the id '{id}' twice.");
                }
            }

            if (offset != payload.Length)
            {
                throw new VectorSnapshotException($"The snapshot has {payload.Length - offset} bytes after its last vector.");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or MemorySerializationException)
        {
            index.Dispose();
            throw new VectorSnapshotException($"The snapshot content is invalid: {ex.Message}", ex);
        }
        catch
        {
            index.Dispose();
            throw;
        }

        return index;
    }

    /// <summary>Reads a snapshot file written by <see cref="SaveToFile"/>.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="options">Settings for the new index; null for the defaults.</param>
    /// <returns>The loaded index.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="VectorSnapshotException">The file is not a valid snapshot.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static FlatVectorIndex LoadFromFile(string path, FlatVectorIndexOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Load(file, options);
    }

    private static void WriteBlock(Stream stream, ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        stream.Write(length);
        stream.Write(bytes);
    }

    private static ReadOnlySpan<byte> ReadBlock(byte[] payload, ref int offset)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(Take(payload, ref offset, 4));
        return Take(payload, ref offset, length);
    }

    private static ReadOnlySpan<byte> Take(byte[] payload, ref int offset, int length)
    {
        if (length < 0 || length > payload.Length - offset)
        {
            throw new VectorSnapshotException("The snapshot payload is truncated or has a corrupt length field.");
        }

        var span = payload.AsSpan(offset, length);
        offset += length;
        return span;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string part)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException ex)
        {
            throw new VectorSnapshotException($"The snapshot ends inside its {part}: the data is truncated.", ex);
        }
    }
}
