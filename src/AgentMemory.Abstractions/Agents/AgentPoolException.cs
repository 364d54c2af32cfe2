namespace AgentMemory;

/// <summary>Thrown when a pool operation would break the pool's bounds, or names a pool or agent that does not exist.</summary>
public class AgentPoolException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public AgentPoolException()
        : base("The agent pool operation failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public AgentPoolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public AgentPoolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the pool <paramref name="poolId"/>.</summary>
    /// <param name="poolId">The pool.</param>
    /// <param name="message">What went wrong.</param>
    public AgentPoolException(string poolId, string message)
        : base(message)
    {
        PoolId = poolId;
    }

    /// <summary>The pool involved, when known.</summary>
    public string? PoolId { get; }
}
