namespace AgentMemory.Benchmarks.Security;

/// <summary>
/// An audit log that keeps nothing, so a benchmark measures encryption and access checks rather than the growth of
/// an in-memory log over millions of operations. Not for production: it breaks the audit guarantees on purpose.
/// </summary>
internal sealed class DiscardingAuditLog : IMemoryAuditLog
{
    private static readonly MemoryAuditEntry Entry = new(0, new MemoryAuditRecord(default, null, "-", MemoryAction.None, MemoryAuditResult.Allowed, "-"), string.Empty, string.Empty);

    public ValueTask<MemoryAuditEntry> AppendAsync(MemoryAuditRecord record, CancellationToken cancellationToken = default) => new(Entry);

    public ValueTask<IReadOnlyList<MemoryAuditEntry>> QueryAsync(MemoryAuditQuery query, CancellationToken cancellationToken = default) => new([]);

    public ValueTask<MemoryAuditVerification> VerifyAsync(CancellationToken cancellationToken = default) => new(new MemoryAuditVerification(true, 0, null, null));
}
