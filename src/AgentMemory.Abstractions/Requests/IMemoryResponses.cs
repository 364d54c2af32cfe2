namespace AgentMemory;

/// <summary>
/// Responses: creation with metadata, a cache with TTL in the memory store, and a compact binary codec
/// (MessagePack, checksummed and versioned, optionally LZ4-compressed) that validates what it reads.
/// </summary>
/// <remarks>Implementations are thread-safe: every member may be called concurrently.</remarks>
public interface IMemoryResponses
{
    /// <summary>Creates a response stamped with the current time.</summary>
    /// <param name="requestId">The request it answers.</param>
    /// <param name="data">The response data.</param>
    /// <param name="metadata">Metadata; null for none.</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentException"><paramref name="requestId"/> is null, empty or not a valid key.</exception>
    MemoryResponse Create(string requestId, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, MetadataValue>? metadata = null);

    /// <summary>Stores a response in the memory store under a key derived from its request id, expiring after <paramref name="ttl"/>.</summary>
    /// <param name="response">The response.</param>
    /// <param name="ttl">How long to keep it; null for the configured default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the response is stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ttl"/> is not positive.</exception>
    /// <exception cref="MemoryResponseFormatException">The response is over the size limit.</exception>
    ValueTask CacheAsync(MemoryResponse response, TimeSpan? ttl = null, CancellationToken cancellationToken = default);

    /// <summary>Returns the cached response for a request, if it is cached and not expired.</summary>
    /// <param name="requestId">The request's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response, or null.</returns>
    /// <exception cref="MemoryResponseFormatException">The cached bytes are corrupt.</exception>
    ValueTask<MemoryResponse?> GetCachedAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>Serializes a response: MessagePack, with a schema version and a CRC-32 checksum.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is null.</exception>
    /// <exception cref="MemoryResponseFormatException">The result would be over the size limit.</exception>
    byte[] Serialize(MemoryResponse response);

    /// <summary>Reads bytes produced by <see cref="Serialize"/>, treating them as untrusted.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The response.</returns>
    /// <exception cref="MemoryResponseFormatException">The bytes are malformed, of an unsupported schema version, fail the checksum, or are over the size limit.</exception>
    MemoryResponse Deserialize(ReadOnlyMemory<byte> data);

    /// <summary>Serializes and LZ4-compresses a response.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The compressed bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is null.</exception>
    /// <exception cref="MemoryResponseFormatException">The serialized response would be over the size limit.</exception>
    byte[] Compress(MemoryResponse response);

    /// <summary>Decompresses and reads bytes produced by <see cref="Compress"/>, treating them as untrusted.</summary>
    /// <param name="data">The compressed bytes.</param>
    /// <returns>The response.</returns>
    /// <exception cref="MemoryResponseFormatException">The bytes are malformed, claim or decompress to more than the size limit, or fail as in <see cref="Deserialize"/>.</exception>
    MemoryResponse Decompress(ReadOnlyMemory<byte> data);

    /// <summary>Checks a response against the codec's rules: request id, metadata names, size limit.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The problems found, if any.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is null.</exception>
    MemoryResponseValidation Validate(MemoryResponse response);
}
