namespace AgentMemory;

/// <summary>Thrown by <see cref="IDistributedLockProvider.AcquireAsync"/> when the lock is not granted within the wait timeout.</summary>
public class MemoryLockTimeoutException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemoryLockTimeoutException()
        : base("The lock was not granted within the wait timeout.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemoryLockTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MemoryLockTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the lock on <paramref name="resource"/>.</summary>
    /// <param name="resource">The resource whose lock was not granted.</param>
    /// <param name="waited">How long the caller waited.</param>
    public MemoryLockTimeoutException(string resource, TimeSpan waited)
        : base($"The lock on '{resource}' was not granted within {waited}.")
    {
        Resource = resource;
    }

    /// <summary>The resource whose lock was not granted, when known.</summary>
    public string? Resource { get; }
}
