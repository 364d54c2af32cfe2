namespace AgentMemory;

/// <summary>Thrown when a value can never fit: its entry alone is larger than the store's byte budget. Nothing is changed.</summary>
public class MemoryCapacityException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemoryCapacityException()
        : base("The entry is larger than the store's capacity.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemoryCapacityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MemoryCapacityException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the entry under <paramref name="key"/>.</summary>
    /// <param name="key">The key of the entry involved.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause, or null.</param>
    public MemoryCapacityException(string? key, string message, Exception? innerException)
        : base(message, innerException)
    {
        Key = key;
    }

    /// <summary>The key of the entry involved, when the failure concerns one entry.</summary>
    public string? Key { get; }
}
