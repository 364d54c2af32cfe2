namespace AgentMemory;

/// <summary>Counters over a pool's current members.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
/// <param name="PoolId">The pool.</param>
/// <param name="Size">Members, alive or not.</param>
/// <param name="AliveAgents">Members that are heartbeating.</param>
/// <param name="RunningTasks">Tasks the members are working on.</param>
/// <param name="QueuedTasks">Tasks waiting on the members.</param>
/// <param name="TasksAssigned">Tasks ever assigned to the current members.</param>
/// <param name="TasksCompleted">Tasks the current members completed.</param>
/// <param name="TasksFailed">Tasks the current members failed.</param>
/// <param name="AverageDuration">Mean duration over the members' finished tasks; zero when none finished.</param>
/// <param name="Utilization">Running and queued tasks of alive members divided by their slots; 0 with no alive members.</param>
public sealed record AgentPoolMetrics(
    string PoolId,
    int Size,
    int AliveAgents,
    int RunningTasks,
    int QueuedTasks,
    long TasksAssigned,
    long TasksCompleted,
    long TasksFailed,
    TimeSpan AverageDuration,
    double Utilization);
