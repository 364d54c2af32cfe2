namespace AgentMemory.Persistence.Archive;

/// <summary>
/// Transforms an archive block's compressed bytes on the way to disk and back: the seam for encryption at rest.
/// <see cref="Decode"/> must invert <see cref="Encode"/> exactly, and should throw when the bytes were not produced by
/// it (an authentication failure, for an authenticated cipher).
/// </summary>
/// <remarks>Implementations must be thread-safe: the archive calls them from concurrent readers.</remarks>
internal interface IArchiveBlockTransform
{
    /// <summary>Transforms bytes for storage.</summary>
    byte[] Encode(ReadOnlySpan<byte> data);

    /// <summary>Reverses <see cref="Encode"/>.</summary>
    byte[] Decode(ReadOnlySpan<byte> data);
}
