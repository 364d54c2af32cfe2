namespace AgentMemory;

/// <summary>What <see cref="IAgentPool.RebalanceAsync"/> moved, and what it could not.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="PoolId">The pool.</param>
/// <param name="Moves">The tasks moved, in the order they were moved.</param>
/// <param name="StillQueued">Tasks still queued on pool members after rebalancing (no member had a free slot and the capabilities).</param>
public sealed record AgentPoolRebalanceResult(string PoolId, IReadOnlyList<AgentTaskMove> Moves, int StillQueued);
