namespace AgentMemory;

/// <summary>
/// Thrown by streaming: a subscription failed because its subscriber fell behind, a replay asked for changes the
/// change log no longer holds, or a stream or subscription id is unknown.
/// </summary>
public class MemoryStreamException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemoryStreamException()
        : base("A change stream operation failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemoryStreamException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MemoryStreamException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
