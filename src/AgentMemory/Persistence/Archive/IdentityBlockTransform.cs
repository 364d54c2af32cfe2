namespace AgentMemory.Persistence.Archive;

/// <summary>The transform that leaves bytes as they are: the archive's default when nothing encrypts blocks.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal sealed class IdentityBlockTransform : IArchiveBlockTransform
{
    /// <summary>The one instance.</summary>
    public static readonly IdentityBlockTransform Instance = new();

    private IdentityBlockTransform()
    {
    }

    /// <inheritdoc/>
    public byte[] Encode(ReadOnlySpan<byte> data) => data.ToArray();

    /// <inheritdoc/>
    public byte[] Decode(ReadOnlySpan<byte> data) => data.ToArray();
}
