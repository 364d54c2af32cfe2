namespace AgentMemory;

/// <summary>Thrown when an operation meets an entry of the wrong shape: a list operation on a hash, an increment of a value that is not a 64-bit integer, a plain read of a list.</summary>
public class MemoryTypeMismatchException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemoryTypeMismatchException()
        : base("The entry has the wrong type for this operation.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemoryTypeMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MemoryTypeMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the entry under <paramref name="key"/>.</summary>
    /// <param name="key">The key of the entry involved.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause, or null.</param>
    public MemoryTypeMismatchException(string? key, string message, Exception? innerException)
        : base(message, innerException)
    {
        Key = key;
    }

    /// <summary>The key of the entry involved, when the failure concerns one entry.</summary>
    public string? Key { get; }
}
