namespace AgentMemory;

/// <summary>The base of every exception AgentMemory throws for a failed memory operation.</summary>
/// <remarks>
/// Argument errors (a null or malformed key, a negative TTL) are reported with the standard
/// <see cref="ArgumentException"/> family instead; this hierarchy covers operations that were well-formed but
/// could not be carried out.
/// </remarks>
public class MemoryException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemoryException()
        : base("A memory operation failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemoryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MemoryException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
