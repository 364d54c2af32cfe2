namespace AgentMemory;

/// <summary>Thrown when a queued request failed after all its attempts, or when a request id is unknown.</summary>
public class MemoryRequestException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemoryRequestException()
        : base("A memory request failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemoryRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause: the handler's last exception.</param>
    public MemoryRequestException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
