using System.Buffers.Binary;
using K4os.Compression.LZ4;

namespace AgentMemory.Persistence.Archive;

/// <summary>
/// LZ4 block compression with the uncompressed length in front: <c>[u32 length][LZ4 block]</c>. Decoding treats the
/// bytes as untrusted: the declared length is bounded by what LZ4 can expand the input to, so a damaged or hostile
/// header cannot make it allocate more than the data could ever decode into.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class Lz4Block
{
    /// <summary>The most one LZ4 byte can expand into (a run of 255 copies), plus slack for the block's tail.</summary>
    private const long MaxExpansion = 255;

    /// <summary>Compresses <paramref name="data"/>.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        var target = new byte[4 + LZ4Codec.MaximumOutputSize(data.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)data.Length);
        var written = data.Length == 0 ? 0 : LZ4Codec.Encode(data, target.AsSpan(4), LZ4Level.L00_FAST);
        if (written < 0)
        {
            throw new InvalidOperationException("LZ4 compression failed.");
        }

        return target.AsSpan(0, 4 + written).ToArray();
    }

    /// <summary>Decompresses what <see cref="Compress"/> produced.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid compressed block.</exception>
    public static byte[] Decompress(ReadOnlySpan<byte> data)
    {
        var length = DeclaredLength(data);
        var target = new byte[length];
        DecodeInto(data[4..], target);
        return target;
    }

    /// <summary>Decompresses what <see cref="Compress"/> produced into a pooled buffer the caller disposes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid compressed block.</exception>
    public static PooledBuffer DecompressPooled(ReadOnlySpan<byte> data)
    {
        var target = new PooledBuffer(DeclaredLength(data));
        try
        {
            DecodeInto(data[4..], target.Span);
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    private static int DeclaredLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4)
        {
            throw new InvalidDataException($"A compressed block needs at least 4 bytes; it has {data.Length}.");
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(data);
        var body = data.Length - 4;
        if (length > Array.MaxLength || length > body * MaxExpansion + 16)
        {
            throw new InvalidDataException($"A compressed block of {body} bytes declares an impossible uncompressed length of {length}.");
        }

        return (int)length;
    }

    private static void DecodeInto(ReadOnlySpan<byte> body, Span<byte> target)
    {
        if (target.Length == 0)
        {
            if (body.Length != 0)
            {
                throw new InvalidDataException("An empty compressed block carries data.");
            }

            return;
        }

        int decoded;
        try
        {
            decoded = LZ4Codec.Decode(body, target);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not InvalidDataException)
        {
            throw new InvalidDataException($"A compressed block of {body.Length} bytes does not decode: {ex.Message}", ex);
        }

        if (decoded != target.Length)
        {
            throw new InvalidDataException($"A compressed block decoded to {decoded} bytes instead of the declared {target.Length}.");
        }
    }
}
