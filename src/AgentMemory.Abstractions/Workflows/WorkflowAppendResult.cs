namespace AgentMemory;

/// <summary>The outcome of a successful append.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="Version">The instance's version after the append; pass it as the expected version of the next append.</param>
/// <param name="SnapshotVersion">The version of the snapshot this append took, or null if it took none.</param>
public sealed record WorkflowAppendResult(long Version, long? SnapshotVersion);
