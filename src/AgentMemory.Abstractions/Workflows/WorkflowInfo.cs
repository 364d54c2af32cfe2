namespace AgentMemory;

/// <summary>The bookkeeping of a workflow instance.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="InstanceId">The instance.</param>
/// <param name="DefinitionName">The definition that created it.</param>
/// <param name="Version">Events appended so far.</param>
/// <param name="Status">Its status.</param>
/// <param name="CreatedAt">When its first events were appended.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="SnapshotVersions">The versions at which a snapshot was taken, ascending.</param>
/// <param name="ExpiresAt">When a finished instance is removed; null while running.</param>
public sealed record WorkflowInfo(
    string InstanceId,
    string DefinitionName,
    long Version,
    WorkflowStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<long> SnapshotVersions,
    DateTimeOffset? ExpiresAt);
