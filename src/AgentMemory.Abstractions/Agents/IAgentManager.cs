namespace AgentMemory;

/// <summary>
/// The agent registry: agents register with their capabilities and heartbeat; tasks are assigned to them directly
/// or distributed by a <see cref="CoordinationStrategy"/>; their status and metrics are tracked.
/// </summary>
/// <remarks>
/// <para>
/// An agent that does not heartbeat within the heartbeat TTL becomes <see cref="AgentStatus.Unavailable"/> without
/// anyone unregistering it, and is not offered new work until it heartbeats again. Each agent runs up to
/// <see cref="AgentInfo.MaxConcurrentTasks"/> tasks; further assigned tasks queue in assignment order and start as
/// running tasks complete.
/// </para>
/// <para>Implementations are thread-safe, and each operation on one agent is atomic.</para>
/// </remarks>
public interface IAgentManager
{
    /// <summary>Registers an agent, or updates the registration of one already registered (keeping its tasks and metrics). Registering counts as a heartbeat.</summary>
    /// <param name="agent">Who the agent is.</param>
    /// <param name="capabilities">What it can do; duplicates are ignored.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The agent as registered.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="agent"/>, <paramref name="capabilities"/> or a capability is null.</exception>
    /// <exception cref="ArgumentException">The id or type is empty, or <see cref="AgentInfo.MaxConcurrentTasks"/> is less than 1.</exception>
    ValueTask<AgentDescriptor> RegisterAgentAsync(AgentInfo agent, IEnumerable<string> capabilities, CancellationToken cancellationToken = default);

    /// <summary>Removes an agent and drops the tasks it holds.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if the agent was registered.</returns>
    /// <exception cref="ArgumentException"><paramref name="agentId"/> is null or empty.</exception>
    ValueTask<bool> UnregisterAgentAsync(string agentId, CancellationToken cancellationToken = default);

    /// <summary>Records a heartbeat: the agent is alive now.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if the agent is registered; <see langword="false"/> if it must register first.</returns>
    /// <exception cref="ArgumentException"><paramref name="agentId"/> is null or empty.</exception>
    ValueTask<bool> HeartbeatAsync(string agentId, CancellationToken cancellationToken = default);

    /// <summary>Reads one agent.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The agent now, or <see langword="null"/> if it is not registered.</returns>
    /// <exception cref="ArgumentException"><paramref name="agentId"/> is null or empty.</exception>
    ValueTask<AgentDescriptor?> GetAgentAsync(string agentId, CancellationToken cancellationToken = default);

    /// <summary>Lists every registered agent, alive or not, ordered by id.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The agents.</returns>
    ValueTask<IReadOnlyList<AgentDescriptor>> ListAgentsAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists the agents that can take work now: alive, below their concurrency limit and, if given, having <paramref name="capability"/>. Ordered by id.</summary>
    /// <param name="capability">A capability the agents must have; null for any.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The available agents.</returns>
    ValueTask<IReadOnlyList<AgentDescriptor>> GetAvailableAgentsAsync(string? capability = null, CancellationToken cancellationToken = default);

    /// <summary>Assigns a task to a specific agent: it runs at once if the agent has a free slot, otherwise it queues.</summary>
    /// <param name="task">The task.</param>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The assignment.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="agentId"/> or the task's id is empty, or the agent already holds a task with that id.</exception>
    /// <exception cref="AgentUnavailableException">The agent is not registered, not heartbeating, or lacks a capability the task requires.</exception>
    ValueTask<AgentTaskAssignment> AssignTaskAsync(AgentTask task, string agentId, CancellationToken cancellationToken = default);

    /// <summary>Reports that an agent finished a task; the next queued task, if any, starts running.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="succeeded">Whether it succeeded (counted as completed) or failed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if the agent held the task; <see langword="false"/> otherwise.</returns>
    /// <exception cref="ArgumentException"><paramref name="agentId"/> or <paramref name="taskId"/> is null or empty.</exception>
    ValueTask<bool> CompleteTaskAsync(string agentId, string taskId, bool succeeded = true, CancellationToken cancellationToken = default);

    /// <summary>Lists the tasks an agent holds, running ones first, then queued ones in queue order.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tasks; empty if the agent holds none or is not registered.</returns>
    /// <exception cref="ArgumentException"><paramref name="agentId"/> is null or empty.</exception>
    ValueTask<IReadOnlyList<AgentTaskAssignment>> GetAgentTasksAsync(string agentId, CancellationToken cancellationToken = default);

    /// <summary>Reads an agent's status.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status, or <see langword="null"/> if the agent is not registered.</returns>
    /// <exception cref="ArgumentException"><paramref name="agentId"/> is null or empty.</exception>
    ValueTask<AgentStatus?> GetAgentStatusAsync(string agentId, CancellationToken cancellationToken = default);

    /// <summary>Reads an agent's work counters.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metrics, or <see langword="null"/> if the agent is not registered.</returns>
    /// <exception cref="ArgumentException"><paramref name="agentId"/> is null or empty.</exception>
    ValueTask<AgentMetrics?> GetAgentMetricsAsync(string agentId, CancellationToken cancellationToken = default);

    /// <summary>Distributes tasks across live agents with a strategy and reports which agent got which task.</summary>
    /// <param name="request">The tasks, the strategy and optionally the agents to choose from.</param>
    /// <param name="cancellationToken">Cancels the call between assignments; assignments already made stay.</param>
    /// <returns>The assignments and the tasks no eligible agent could take.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or one of its tasks is null.</exception>
    /// <exception cref="ArgumentException">The strategy is not defined, or a task id is empty.</exception>
    ValueTask<CoordinationResult> CoordinateAsync(CoordinationRequest request, CancellationToken cancellationToken = default);
}
