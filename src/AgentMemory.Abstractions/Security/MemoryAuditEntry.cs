namespace AgentMemory;

/// <summary>An entry of the audit log: a <see cref="MemoryAuditRecord"/> with its place in the hash chain.</summary>
/// <param name="Sequence">The entry's position, from 1, without gaps.</param>
/// <param name="Record">What was recorded.</param>
/// <param name="PreviousHash">The hash of the previous entry (32 zero bytes for the first), hex.</param>
/// <param name="Hash">SHA-256 over the previous hash and the canonical encoding of this entry, hex.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryAuditEntry(long Sequence, MemoryAuditRecord Record, string PreviousHash, string Hash);
