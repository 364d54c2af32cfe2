namespace AgentMemory;

/// <summary>An event to write to the audit log: who did what to which resource, when, and with what result.</summary>
/// <param name="Timestamp">When it happened.</param>
/// <param name="PrincipalId">The principal, or null when the call had none.</param>
/// <param name="Resource">The key, pattern or other resource concerned.</param>
/// <param name="Action">The action the call needed.</param>
/// <param name="Result">The outcome.</param>
/// <param name="Operation">The operation, such as <c>Store</c>, <c>Retrieve</c> or <c>GrantAccess</c>.</param>
/// <param name="Detail">Optional free text (never secrets: no values, no key material).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryAuditRecord(
    DateTimeOffset Timestamp,
    string? PrincipalId,
    string Resource,
    MemoryAction Action,
    MemoryAuditResult Result,
    string Operation,
    string? Detail = null);
