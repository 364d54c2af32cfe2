namespace AgentMemory;

/// <summary>Where a workflow instance stands. Only a running workflow accepts events.</summary>
public enum WorkflowStatus
{
    /// <summary>Accepting events.</summary>
    Running = 0,

    /// <summary>Finished successfully; kept for the retention period, then removed.</summary>
    Completed = 1,

    /// <summary>Finished with a failure; kept for the retention period, then removed.</summary>
    Failed = 2,

    /// <summary>Abandoned; kept for the retention period, then removed.</summary>
    Cancelled = 3,
}
