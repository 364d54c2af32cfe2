namespace AgentMemory;

/// <summary>
/// What a host must do to bring a pool to its target size. The library does not start or stop processes: the
/// host starts <see cref="AgentsToStart"/> new agents (which register and are added to the pool) and stops the
/// agents in <see cref="AgentsToStop"/> (removing them from the pool).
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="PoolId">The pool.</param>
/// <param name="PreviousTarget">The target before this call.</param>
/// <param name="Target">The new target.</param>
/// <param name="AliveAgents">Members that are heartbeating now.</param>
/// <param name="AgentsToStart">New agents to start.</param>
/// <param name="AgentsToStop">Members to stop: unavailable ones first, then the least loaded, never more than needed.</param>
public sealed record AgentPoolScalePlan(string PoolId, int PreviousTarget, int Target, int AliveAgents, int AgentsToStart, IReadOnlyList<string> AgentsToStop);
