using System.Security.Cryptography;

namespace AgentMemory.Security;

/// <summary>
/// An <see cref="IMemoryAuditLog"/> held in process memory: hash-chained, with an HMAC-authenticated head. It
/// is lost when the process ends; use <see cref="SqliteAuditLog"/> for a log that survives restarts.
/// </summary>
/// <remarks>
/// <para>The log grows without bound (an audit log never forgets); long-running hosts should use the SQLite log.</para>
/// <para>Thread-safe: appends are serialized under a lock; queries and verification read a consistent snapshot.</para>
/// </remarks>
public sealed class InMemoryAuditLog : IMemoryAuditLog, IDisposable
{
    private readonly object _gate = new();
    private readonly List<Stored> _entries = [];
    private readonly byte[] _key;
    private (long Sequence, byte[] Hash, byte[] Mac)? _head;
    private byte[] _lastHash = AuditChain.GenesisHash.ToArray();
    private bool _disposed;

    /// <summary>Creates an empty log.</summary>
    /// <param name="hmacKey">The key that authenticates the chain head: at least 32 bytes, separate from the data keys (copied).</param>
    /// <exception cref="ArgumentException"><paramref name="hmacKey"/> is shorter than 32 bytes.</exception>
    public InMemoryAuditLog(ReadOnlySpan<byte> hmacKey)
    {
        _key = AuditChain.CopyKey(hmacKey);
    }

    /// <summary>How many entries the log holds.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<MemoryAuditEntry> AppendAsync(MemoryAuditRecord record, CancellationToken cancellationToken = default)
    {
        AuditChain.Validate(record);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var sequence = (long)_entries.Count + 1;
            var hash = AuditChain.ComputeHash(sequence, record, _lastHash);
            var stored = new Stored(sequence, record, _lastHash, hash);
            _entries.Add(stored);
            _lastHash = hash;
            _head = (sequence, hash, AuditChain.ComputeHeadMac(_key, sequence, hash));
            return new(stored.ToEntry());
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<MemoryAuditEntry>> QueryAsync(MemoryAuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var result = new List<MemoryAuditEntry>();
        lock (_gate)
        {
            foreach (var stored in _entries)
            {
                var r = stored.Record;
                if ((query.From is null || r.Timestamp >= query.From) && (query.To is null || r.Timestamp < query.To)
                    && (query.PrincipalId is null || string.Equals(r.PrincipalId, query.PrincipalId, StringComparison.Ordinal)))
                {
                    result.Add(stored.ToEntry());
                    if (result.Count == query.Limit)
                    {
                        break;
                    }
                }
            }
        }

        return new(result);
    }

    /// <inheritdoc />
    public ValueTask<MemoryAuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return new(AuditChain.Verify(_entries.Select(e => (e.Sequence, e.Record, e.PreviousHash, e.Hash)), _head, _key));
        }
    }

    /// <summary>Zeroes the HMAC key; later appends throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_key);
        }
    }

    // Test hooks that play the attacker who can write the log's memory but does not hold the HMAC key.
    internal void TamperReplaceRecord(int index, MemoryAuditRecord record)
    {
        lock (_gate)
        {
            _entries[index] = _entries[index] with { Record = record };
        }
    }

    internal void TamperRemoveAt(int index)
    {
        lock (_gate)
        {
            _entries.RemoveAt(index);
        }
    }

    internal void TamperSwap(int a, int b)
    {
        lock (_gate)
        {
            (_entries[a], _entries[b]) = (_entries[b], _entries[a]);
        }
    }

    private sealed record Stored(long Sequence, MemoryAuditRecord Record, byte[] PreviousHash, byte[] Hash)
    {
        public MemoryAuditEntry ToEntry() => new(Sequence, Record, Convert.ToHexStringLower(PreviousHash), Convert.ToHexStringLower(Hash));
    }
}
