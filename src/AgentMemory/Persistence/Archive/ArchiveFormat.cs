using System.Buffers.Binary;

namespace AgentMemory.Persistence.Archive;

/// <summary>
/// The on-disk layout of an archive segment. A segment starts with a 12-byte header (8 magic bytes, then the
/// format version as a little-endian u32); then come blocks, each <c>[u32 length][u32 CRC-32 of payload][payload]</c>
/// with little-endian integers, where the payload is the block transform's encoding of an LZ4-compressed
/// MessagePack array of records (see <see cref="ArchiveRecordCodec"/>).
/// </summary>
/// <remarks>Constants and stateless helpers; thread-safe.</remarks>
internal static class ArchiveFormat
{
    /// <summary>The format version this code writes and reads.</summary>
    public const uint Version = 1;

    /// <summary>The size of the segment header.</summary>
    public const int HeaderSize = 12;

    /// <summary>The size of a block's length and checksum prefix.</summary>
    public const int BlockHeaderSize = 8;

    /// <summary>The largest block payload the format allows (a block is read into one array).</summary>
    public const int MaxPayloadLength = int.MaxValue - 64 - BlockHeaderSize;

    /// <summary>The magic bytes: "AMARCH", then CR LF, which catches a file mangled by newline conversion.</summary>
    public static ReadOnlySpan<byte> Magic => "AMARCH\r\n"u8;

    /// <summary>The 12 header bytes of a segment.</summary>
    public static byte[] Header()
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Version);
        return header;
    }
}
