namespace AgentMemory;

/// <summary>The result of verifying an audit log's hash chain and authenticated head.</summary>
/// <param name="IsValid">Whether the whole log verified.</param>
/// <param name="EntriesChecked">How many entries were checked.</param>
/// <param name="FirstInvalidSequence">The sequence number where verification first failed, or null.</param>
/// <param name="Problem">What was wrong (edited entry, missing entry, reordered entries, truncated log, bad head), or null.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryAuditVerification(bool IsValid, long EntriesChecked, long? FirstInvalidSequence, string? Problem);
