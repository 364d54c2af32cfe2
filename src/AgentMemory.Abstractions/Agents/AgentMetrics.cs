namespace AgentMemory;

/// <summary>Counters of one agent's work since it was first registered.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="AgentId">The agent.</param>
/// <param name="TasksAssigned">Tasks assigned to it (including ones later moved away by rebalancing).</param>
/// <param name="TasksCompleted">Tasks it reported as succeeded.</param>
/// <param name="TasksFailed">Tasks it reported as failed.</param>
/// <param name="AverageDuration">Mean time from start to completion over completed and failed tasks; zero when none finished.</param>
/// <param name="RunningTasks">Tasks it is working on now.</param>
/// <param name="QueuedTasks">Tasks waiting for it now.</param>
public sealed record AgentMetrics(string AgentId, long TasksAssigned, long TasksCompleted, long TasksFailed, TimeSpan AverageDuration, int RunningTasks, int QueuedTasks);
