using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace AgentMemory.Security;

/// <summary>
/// Seals and opens values in a versioned AES-256-GCM envelope:
/// <c>version (1) | key id length (1) | key id (ASCII) | nonce (12) | ciphertext | tag (16)</c>.
/// The associated data binds the envelope to the memory name, the resource (the entry key), an optional part
/// (a hash field name, or the list marker), the format version and the key id, so an envelope copied to another
/// key, field or memory, or relabelled with another key id, fails authentication.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. An <see cref="AesGcm"/> instance is not safe for concurrent use and is costly to create (it sets up
/// a native cipher context), so each key has a small pool of instances: a call rents one, uses it alone and returns
/// it. Instances are created from key material copied onto the stack and cleared at once. The pool of a key that
/// turns out retired (or unknown) is drained and its native contexts freed: at once when a read meets it, and
/// otherwise on a sweep every <see cref="SweepInterval"/> operations; <see cref="Dispose"/> frees everything.
/// </para>
/// <para>
/// Nonces are 96 random bits per value from the OS CSPRNG (drawn in per-thread batches); the key provider rotates
/// keys well before 2^32 encryptions.
/// </para>
/// </remarks>
internal sealed class EnvelopeCipher(IKeyProvider keys, string memoryName) : IDisposable
{
    public const int SweepInterval = 1024;
    private static readonly int MaxPooledPerKey = Math.Max(4, Environment.ProcessorCount * 2);
    private const int NonceBatch = 256;

    // Nonces are drawn from the OS CSPRNG in batches (one call per 256 nonces instead of one per value, which
    // matters where each RNG call is a few microseconds); each thread owns its buffer and uses every nonce once.
    [ThreadStatic]
    private static byte[]? _threadNonces;
    [ThreadStatic]
    private static int _threadNonceOffset;

    private readonly ConcurrentDictionary<string, KeyPool> _pools = new(StringComparer.Ordinal);
    private int _operations;
    private volatile bool _disposed;

    public const byte Version = 1;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    private const int MaxStackAad = 1024;
    private static readonly byte[] AadLabel = "AgentMemory.Envelope"u8.ToArray();

    /// <summary>The associated-data part of list items: every item is bound to its list's key, not to its position.</summary>
    public const string ListItemPart = "l";

    public IKeyProvider Keys { get; } = keys;

    /// <summary>The associated-data part of a hash field: the field name, so a field's envelope cannot move to another field.</summary>
    public static string HashFieldPart(string field) => "h:" + field;

    public string MemoryName { get; } = memoryName;

    public static int Overhead(int keyIdLength) => 2 + keyIdLength + NonceSize + TagSize;

    /// <summary>Reads the key id from an envelope's header without authenticating it.</summary>
    public static string ReadKeyId(ReadOnlySpan<byte> envelope)
    {
        var (keyId, _) = ParseHeader(envelope);
        return keyId;
    }

    public byte[] Seal(string resource, string? part, ReadOnlySpan<byte> plaintext)
    {
        var keyId = Keys.ReserveEncryption();
        var keyIdLength = keyId.Length;
        var envelope = new byte[Overhead(keyIdLength) + plaintext.Length];
        envelope[0] = Version;
        envelope[1] = (byte)keyIdLength;
        Encoding.ASCII.GetBytes(keyId, envelope.AsSpan(2, keyIdLength));
        var offset = 2 + keyIdLength;
        var nonce = envelope.AsSpan(offset, NonceSize);
        FillNonce(nonce);
        var ciphertext = envelope.AsSpan(offset + NonceSize, plaintext.Length);
        var tag = envelope.AsSpan(offset + NonceSize + plaintext.Length, TagSize);

        byte[]? rented = null;
        var aadLength = AadLength(resource, part, keyId);
        var aad = aadLength <= MaxStackAad ? stackalloc byte[aadLength] : (rented = ArrayPool<byte>.Shared.Rent(aadLength)).AsSpan(0, aadLength);
        try
        {
            WriteAad(aad, resource, part, keyId);
            var aes = Rent(keyId, out var pool);
            try
            {
                aes.Encrypt(nonce, plaintext, ciphertext, tag, aad);
            }
            finally
            {
                Return(pool, aes);
            }

            return envelope;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public byte[] Open(string resource, string? part, ReadOnlySpan<byte> envelope, out string keyId)
    {
        (keyId, var offset) = ParseHeader(envelope);
        var status = Keys.GetKeyStatus(keyId);
        if (status is MemoryKeyStatus.Retired or MemoryKeyStatus.Unknown)
        {
            Close(keyId);
        }

        if (status == MemoryKeyStatus.Retired)
        {
            throw new EnvelopeException($"The value under '{resource}' is encrypted with the retired key '{keyId}' and can no longer be read.", MemoryAuditResult.RetiredKeyUsed);
        }

        if (status == MemoryKeyStatus.Unknown)
        {
            throw new EnvelopeException($"The value under '{resource}' names the key '{keyId}', which the key provider does not know; the envelope is damaged or from another deployment.", MemoryAuditResult.TamperDetected);
        }

        var nonce = envelope.Slice(offset, NonceSize);
        var ciphertext = envelope[(offset + NonceSize)..^TagSize];
        var tag = envelope[^TagSize..];
        var plaintext = new byte[ciphertext.Length];

        byte[]? rented = null;
        var aadLength = AadLength(resource, part, keyId);
        var aad = aadLength <= MaxStackAad ? stackalloc byte[aadLength] : (rented = ArrayPool<byte>.Shared.Rent(aadLength)).AsSpan(0, aadLength);
        try
        {
            WriteAad(aad, resource, part, keyId);
            AesGcm aes;
            KeyPool pool;
            try
            {
                aes = Rent(keyId, out pool);
            }
            catch (MemorySecurityException ex)
            {
                // Retired between the status check and now.
                Close(keyId);
                throw new EnvelopeException(ex.Message, MemoryAuditResult.RetiredKeyUsed, ex);
            }

            try
            {
                aes.Decrypt(nonce, ciphertext, tag, plaintext, aad);
            }
            finally
            {
                Return(pool, aes);
            }

            return plaintext;
        }
        catch (AuthenticationTagMismatchException ex)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new EnvelopeException($"The encrypted value under '{resource}' failed authentication: it was altered, or copied from another key, field or memory.", MemoryAuditResult.TamperDetected, ex);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Frees every pooled cipher context; later calls create and free one per call.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var keyId in _pools.Keys)
        {
            Close(keyId);
        }
    }

    /// <summary>How many cipher contexts are pooled for a key (for tests).</summary>
    internal int PooledCount(string keyId) => _pools.TryGetValue(keyId, out var pool) ? pool.Items.Count : 0;

    /// <summary>Drains the pools of keys the provider no longer holds (retired or unknown).</summary>
    internal void SweepRetired()
    {
        foreach (var keyId in _pools.Keys)
        {
            if (Keys.GetKeyStatus(keyId) is MemoryKeyStatus.Retired or MemoryKeyStatus.Unknown)
            {
                Close(keyId);
            }
        }
    }

    private static void FillNonce(Span<byte> nonce)
    {
        var buffer = _threadNonces;
        var offset = _threadNonceOffset;
        if (buffer is null || offset + NonceSize > buffer.Length)
        {
            buffer = _threadNonces ??= new byte[NonceSize * NonceBatch];
            RandomNumberGenerator.Fill(buffer);
            offset = 0;
        }

        var next = buffer.AsSpan(offset, NonceSize);
        next.CopyTo(nonce);
        next.Clear();
        _threadNonceOffset = offset + NonceSize;
    }

    private AesGcm Rent(string keyId, out KeyPool pool)
    {
        if (Interlocked.Increment(ref _operations) % SweepInterval == 0)
        {
            SweepRetired();
        }

        pool = _disposed ? KeyPool.Detached : _pools.GetOrAdd(keyId, static _ => new KeyPool());
        if (!pool.Closed && pool.Items.TryTake(out var pooled))
        {
            return pooled;
        }

        Span<byte> key = stackalloc byte[IKeyProvider.KeySizeBytes];
        try
        {
            Keys.CopyKey(keyId, key);
            return new AesGcm(key, TagSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static void Return(KeyPool pool, AesGcm aes)
    {
        if (pool.Closed || pool.Items.Count >= MaxPooledPerKey)
        {
            aes.Dispose();
            return;
        }

        pool.Items.Add(aes);
        if (pool.Closed)
        {
            // Closed while we were adding: drain what may have been left behind.
            Drain(pool);
        }
    }

    private void Close(string keyId)
    {
        if (_pools.TryRemove(keyId, out var pool))
        {
            pool.Closed = true;
            Drain(pool);
        }
    }

    private static void Drain(KeyPool pool)
    {
        while (pool.Items.TryTake(out var aes))
        {
            aes.Dispose();
        }
    }

    private static (string KeyId, int Offset) ParseHeader(ReadOnlySpan<byte> envelope)
    {
        if (envelope.Length < 2)
        {
            throw new EnvelopeException($"The stored value is not an encryption envelope ({envelope.Length} bytes).", MemoryAuditResult.TamperDetected);
        }

        if (envelope[0] != Version)
        {
            throw new EnvelopeException($"The encryption envelope has format version {envelope[0]}; this library reads version {Version}. The value is damaged or was written by a newer library.", MemoryAuditResult.TamperDetected);
        }

        int keyIdLength = envelope[1];
        if (keyIdLength is 0 or > InProcessKeyProvider.MaxKeyIdLength || envelope.Length < Overhead(keyIdLength))
        {
            throw new EnvelopeException("The encryption envelope is truncated or has a damaged header.", MemoryAuditResult.TamperDetected);
        }

        var idBytes = envelope.Slice(2, keyIdLength);
        foreach (var b in idBytes)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'.' or (byte)'_' or (byte)'-'))
            {
                throw new EnvelopeException("The encryption envelope has a damaged key id.", MemoryAuditResult.TamperDetected);
            }
        }

        return (Encoding.ASCII.GetString(idBytes), 2 + keyIdLength);
    }

    private int AadLength(string resource, string? part, string keyId) =>
        AadLabel.Length + 1 + 1 + (4 * 3) + Encoding.UTF8.GetByteCount(MemoryName) + Encoding.UTF8.GetByteCount(resource)
        + (part is null ? 0 : Encoding.UTF8.GetByteCount(part)) + 1 + keyId.Length;

    // label | version | memory name | resource | part flag + part | key id; each string length-prefixed (u32 BE),
    // so no two different (memory, resource, part, key id) tuples encode alike.
    private void WriteAad(Span<byte> aad, string resource, string? part, string keyId)
    {
        AadLabel.CopyTo(aad);
        var o = AadLabel.Length;
        aad[o++] = Version;
        o += WriteString(aad[o..], MemoryName);
        o += WriteString(aad[o..], resource);
        aad[o++] = part is null ? (byte)0 : (byte)1;
        o += WriteString(aad[o..], part ?? string.Empty);
        aad[o++] = (byte)keyId.Length;
        Encoding.ASCII.GetBytes(keyId, aad[o..]);
    }

    private static int WriteString(Span<byte> destination, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, destination[4..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)written);
        return 4 + written;
    }

    private sealed class KeyPool
    {
        /// <summary>A pool that is always closed: rented contexts are freed on return (used after disposal).</summary>
        public static readonly KeyPool Detached = new() { Closed = true };

        public ConcurrentBag<AesGcm> Items { get; } = [];

        public volatile bool Closed;
    }
}
