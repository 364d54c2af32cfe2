namespace AgentMemory;

/// <summary>
/// Named pools of registered agents with size bounds: membership, capacity, scaling plans, metrics and load
/// balancing of queued work.
/// </summary>
/// <remarks>
/// <para>
/// A pool groups agents registered with an <see cref="IAgentManager"/>. Adding beyond
/// <see cref="AgentPoolConfig.MaxSize"/> or removing below <see cref="AgentPoolConfig.MinSize"/> fails with
/// <see cref="AgentPoolException"/>. Scaling produces a plan for the host: the library never starts or stops processes.
/// </para>
/// <para>Implementations are thread-safe, and each operation on one pool is atomic.</para>
/// </remarks>
public interface IAgentPool
{
    /// <summary>Creates an empty pool.</summary>
    /// <param name="poolId">The pool's name, which is its id.</param>
    /// <param name="config">Its bounds and target.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The pool id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="poolId"/> is empty, or the bounds are inconsistent (the message says how).</exception>
    /// <exception cref="AgentPoolException">A pool with that id exists.</exception>
    ValueTask<string> CreatePoolAsync(string poolId, AgentPoolConfig config, CancellationToken cancellationToken = default);

    /// <summary>Deletes a pool; its agents stay registered.</summary>
    /// <param name="poolId">The pool.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if the pool existed.</returns>
    /// <exception cref="ArgumentException"><paramref name="poolId"/> is null or empty.</exception>
    ValueTask<bool> DeletePoolAsync(string poolId, CancellationToken cancellationToken = default);

    /// <summary>Adds a registered agent to a pool.</summary>
    /// <param name="poolId">The pool.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if added; <see langword="false"/> if it was already a member.</returns>
    /// <exception cref="ArgumentException">An id is null or empty.</exception>
    /// <exception cref="AgentPoolException">The pool does not exist, the agent is not registered, or the pool is at its maximum size.</exception>
    ValueTask<bool> AddAgentAsync(string poolId, string agentId, CancellationToken cancellationToken = default);

    /// <summary>Removes an agent from a pool (the agent stays registered).</summary>
    /// <param name="poolId">The pool.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if removed; <see langword="false"/> if it was not a member.</returns>
    /// <exception cref="ArgumentException">An id is null or empty.</exception>
    /// <exception cref="AgentPoolException">The pool does not exist, or removing would take it below its minimum size.</exception>
    ValueTask<bool> RemoveAgentAsync(string poolId, string agentId, CancellationToken cancellationToken = default);

    /// <summary>Lists a pool's members in the order they were added.</summary>
    /// <param name="poolId">The pool.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The agent ids.</returns>
    /// <exception cref="ArgumentException"><paramref name="poolId"/> is null or empty.</exception>
    /// <exception cref="AgentPoolException">The pool does not exist.</exception>
    ValueTask<IReadOnlyList<string>> GetPoolAgentsAsync(string poolId, CancellationToken cancellationToken = default);

    /// <summary>Reads a pool's size and task slots.</summary>
    /// <param name="poolId">The pool.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The capacity.</returns>
    /// <exception cref="ArgumentException"><paramref name="poolId"/> is null or empty.</exception>
    /// <exception cref="AgentPoolException">The pool does not exist.</exception>
    ValueTask<AgentPoolCapacity> GetCapacityAsync(string poolId, CancellationToken cancellationToken = default);

    /// <summary>Sets a pool's target size and reports what the host must start or stop to reach it.</summary>
    /// <param name="poolId">The pool.</param>
    /// <param name="targetSize">The new target; between the pool's minimum and maximum.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException"><paramref name="poolId"/> is null or empty.</exception>
    /// <exception cref="AgentPoolException">The pool does not exist, or <paramref name="targetSize"/> is outside its bounds.</exception>
    ValueTask<AgentPoolScalePlan> ScaleAsync(string poolId, int targetSize, CancellationToken cancellationToken = default);

    /// <summary>Reads counters over a pool's members.</summary>
    /// <param name="poolId">The pool.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentException"><paramref name="poolId"/> is null or empty.</exception>
    /// <exception cref="AgentPoolException">The pool does not exist.</exception>
    ValueTask<AgentPoolMetrics> GetMetricsAsync(string poolId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves queued tasks from overloaded members, and every task from members that stopped heartbeating, to alive
    /// members with free slots and the required capabilities.
    /// </summary>
    /// <param name="poolId">The pool.</param>
    /// <param name="cancellationToken">Cancels the call between moves; moves already made stay.</param>
    /// <returns>The moves made and the work still queued.</returns>
    /// <exception cref="ArgumentException"><paramref name="poolId"/> is null or empty.</exception>
    /// <exception cref="AgentPoolException">The pool does not exist.</exception>
    ValueTask<AgentPoolRebalanceResult> RebalanceAsync(string poolId, CancellationToken cancellationToken = default);
}
