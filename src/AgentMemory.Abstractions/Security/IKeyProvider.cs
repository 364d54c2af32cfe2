namespace AgentMemory;

/// <summary>
/// Holds the data-encryption keys, by id: exactly one active key encrypts, older keys decrypt only, retired keys
/// are destroyed. Keys are 256-bit AES keys.
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IKeyProvider
{
    /// <summary>The size of every key, in bytes (AES-256).</summary>
    const int KeySizeBytes = 32;

    /// <summary>The id of the key that encrypts new values.</summary>
    /// <exception cref="MemorySecurityException">The provider has no active key.</exception>
    string ActiveKeyId { get; }

    /// <summary>Tells the state of a key.</summary>
    /// <param name="keyId">The key id.</param>
    /// <returns>The state; <see cref="MemoryKeyStatus.Unknown"/> for an id the provider never had.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keyId"/> is null.</exception>
    MemoryKeyStatus GetKeyStatus(string keyId);

    /// <summary>Lists every key the provider knows, with its state, oldest first.</summary>
    /// <returns>The keys.</returns>
    IReadOnlyList<MemoryKeyInfo> GetKeys();

    /// <summary>
    /// Counts one encryption against the active key and returns its id. When the active key has reached its
    /// encryption limit, the provider first rotates to a new key (so a random 96-bit nonce never repeats with
    /// meaningful probability).
    /// </summary>
    /// <returns>The id of the key to encrypt this one value with.</returns>
    /// <exception cref="MemorySecurityException">The provider has no active key.</exception>
    string ReserveEncryption();

    /// <summary>Copies a key's material into <paramref name="destination"/>; the caller must clear it after use.</summary>
    /// <param name="keyId">The key id.</param>
    /// <param name="destination">At least <see cref="KeySizeBytes"/> bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="keyId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    /// <exception cref="MemorySecurityException">The key is unknown or retired.</exception>
    /// <exception cref="ObjectDisposedException">The provider was disposed.</exception>
    void CopyKey(string keyId, Span<byte> destination);

    /// <summary>Generates a new random key and makes it active; the previous active key becomes decrypt-only.</summary>
    /// <returns>The new key.</returns>
    /// <exception cref="ObjectDisposedException">The provider was disposed.</exception>
    MemoryKeyInfo RotateKey();

    /// <summary>Destroys a decrypt-only key: its material is zeroed and values under it can no longer be read.</summary>
    /// <param name="keyId">The key id.</param>
    /// <exception cref="ArgumentNullException"><paramref name="keyId"/> is null.</exception>
    /// <exception cref="MemorySecurityException">The key is unknown or is the active key.</exception>
    void RetireKey(string keyId);
}
