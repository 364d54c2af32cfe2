namespace AgentMemory;

/// <summary>
/// An append-only, tamper-evident audit log. Entries are hash-chained and the chain head is authenticated with an
/// HMAC under a key separate from the data keys, so <see cref="VerifyAsync"/> detects an edited, deleted,
/// reordered or truncated entry.
/// </summary>
/// <remarks>Implementations are thread-safe: concurrent appends are serialized into one chain.</remarks>
public interface IMemoryAuditLog
{
    /// <summary>Appends a record to the end of the chain.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the call before it takes effect.</param>
    /// <returns>The appended entry with its sequence number and hashes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is null.</exception>
    /// <exception cref="ArgumentException">A field is longer than the log accepts.</exception>
    /// <exception cref="MemoryStorageException">The log's storage failed.</exception>
    ValueTask<MemoryAuditEntry> AppendAsync(MemoryAuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Reads entries matching <paramref name="query"/>, oldest first.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The query's limit is less than 1.</exception>
    /// <exception cref="MemoryStorageException">The log's storage failed.</exception>
    ValueTask<IReadOnlyList<MemoryAuditEntry>> QueryAsync(MemoryAuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Recomputes the whole chain and checks it against the authenticated head.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the log is intact, and where it first is not.</returns>
    /// <exception cref="MemoryStorageException">The log's storage failed.</exception>
    ValueTask<MemoryAuditVerification> VerifyAsync(CancellationToken cancellationToken = default);
}
