namespace AgentMemory;

/// <summary>
/// A value sealed by <see cref="IMemorySecurity.EncryptAsync{T}"/>: a versioned AES-GCM envelope
/// (format version | key id | nonce | ciphertext | tag) bound to the memory name and the resource it was sealed for.
/// </summary>
/// <remarks>Immutable and thread-safe. The envelope is safe to store anywhere: it reveals only the key id and the length.</remarks>
public sealed class EncryptedMemoryValue
{
    private readonly byte[] _envelope;

    /// <summary>Wraps an envelope (the bytes are copied).</summary>
    /// <param name="keyId">The id of the key that sealed it.</param>
    /// <param name="envelope">The envelope bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="keyId"/> is null.</exception>
    public EncryptedMemoryValue(string keyId, ReadOnlySpan<byte> envelope)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        KeyId = keyId;
        _envelope = envelope.ToArray();
    }

    /// <summary>The id of the key that sealed the value.</summary>
    public string KeyId { get; }

    /// <summary>The envelope bytes.</summary>
    public ReadOnlyMemory<byte> Envelope => _envelope;
}
