namespace AgentMemory;

/// <summary>A threat found by a detection rule, with the audit entries that show it.</summary>
/// <param name="Kind">The rule that fired.</param>
/// <param name="Severity">How serious it is.</param>
/// <param name="PrincipalId">The principal involved, or null.</param>
/// <param name="WindowStart">The start of the window the evidence falls in.</param>
/// <param name="WindowEnd">The end of that window.</param>
/// <param name="Description">A human-readable summary with the counts and thresholds.</param>
/// <param name="Evidence">The audit entries that triggered the rule (bounded by the detection options).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemorySecurityThreat(
    MemoryThreatKind Kind,
    MemoryThreatSeverity Severity,
    string? PrincipalId,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    string Description,
    IReadOnlyList<MemoryAuditEntry> Evidence);
