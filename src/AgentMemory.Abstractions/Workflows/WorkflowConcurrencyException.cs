namespace AgentMemory;

/// <summary>
/// Thrown when an append's expected version is not the instance's current version: another writer appended first.
/// Nothing was appended; read the state again and retry if the events still apply.
/// </summary>
public class WorkflowConcurrencyException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public WorkflowConcurrencyException()
        : base("The workflow was changed by another writer.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public WorkflowConcurrencyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public WorkflowConcurrencyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about a conflicting append to <paramref name="instanceId"/>.</summary>
    /// <param name="instanceId">The workflow instance.</param>
    /// <param name="expectedVersion">The version the writer expected.</param>
    /// <param name="actualVersion">The instance's version.</param>
    public WorkflowConcurrencyException(string instanceId, long expectedVersion, long actualVersion)
        : base($"Workflow '{instanceId}' is at version {actualVersion}, not the expected {expectedVersion}: another writer appended first. Nothing was appended.")
    {
        InstanceId = instanceId;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>The workflow instance, when known.</summary>
    public string? InstanceId { get; }

    /// <summary>The version the writer expected.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The instance's version when the append was refused.</summary>
    public long ActualVersion { get; }
}
