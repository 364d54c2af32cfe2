namespace AgentMemory;

/// <summary>Thrown when events are appended to, or a finish is requested for, a workflow instance that has already finished.</summary>
public class WorkflowFinishedException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public WorkflowFinishedException()
        : base("The workflow has finished and accepts no more events.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public WorkflowFinishedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public WorkflowFinishedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the finished instance <paramref name="instanceId"/>.</summary>
    /// <param name="instanceId">The workflow instance.</param>
    /// <param name="status">Its final status.</param>
    public WorkflowFinishedException(string instanceId, WorkflowStatus status)
        : base($"Workflow '{instanceId}' has finished ({status}) and accepts no more events.")
    {
        InstanceId = instanceId;
        Status = status;
    }

    /// <summary>The workflow instance, when known.</summary>
    public string? InstanceId { get; }

    /// <summary>The instance's final status.</summary>
    public WorkflowStatus Status { get; }
}
