namespace AgentMemory;

/// <summary>Thrown when an atomic increment or decrement would overflow a 64-bit integer. The counter keeps its value; it never wraps.</summary>
public class MemoryOverflowException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemoryOverflowException()
        : base("The counter would overflow a 64-bit integer.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemoryOverflowException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MemoryOverflowException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the entry under <paramref name="key"/>.</summary>
    /// <param name="key">The key of the entry involved.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause, or null.</param>
    public MemoryOverflowException(string? key, string message, Exception? innerException)
        : base(message, innerException)
    {
        Key = key;
    }

    /// <summary>The key of the entry involved, when the failure concerns one entry.</summary>
    public string? Key { get; }
}
