using AgentMemory.Security;

namespace AgentMemory.Benchmarks.Security;

/// <summary>
/// An audit log that does the real per-entry work of the shipped logs (canonical encoding, SHA-256 chain hash,
/// HMAC of the head, under a lock) but keeps only the head, so a benchmark of millions of operations measures that
/// cost without the memory of millions of retained entries.
/// </summary>
internal sealed class ChainOnlyAuditLog : IMemoryAuditLog
{
    private readonly object _gate = new();
    private readonly byte[] _key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    private byte[] _last = new byte[AuditChain.HashSize];
    private long _sequence;

    public ValueTask<MemoryAuditEntry> AppendAsync(MemoryAuditRecord record, CancellationToken cancellationToken = default)
    {
        AuditChain.Validate(record);
        lock (_gate)
        {
            var sequence = ++_sequence;
            var hash = AuditChain.ComputeHash(sequence, record, _last);
            _ = AuditChain.ComputeHeadMac(_key, sequence, hash);
            var entry = new MemoryAuditEntry(sequence, record, Convert.ToHexStringLower(_last), Convert.ToHexStringLower(hash));
            _last = hash;
            return new(entry);
        }
    }

    public ValueTask<IReadOnlyList<MemoryAuditEntry>> QueryAsync(MemoryAuditQuery query, CancellationToken cancellationToken = default) => new([]);

    public ValueTask<MemoryAuditVerification> VerifyAsync(CancellationToken cancellationToken = default) => new(new MemoryAuditVerification(true, _sequence, null, null));
}
