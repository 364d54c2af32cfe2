namespace AgentMemory;

/// <summary>Thrown when a value cannot be serialized, or stored bytes cannot be deserialized as the requested type.</summary>
public class MemorySerializationException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemorySerializationException()
        : base("A value could not be serialized or deserialized.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemorySerializationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MemorySerializationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the entry under <paramref name="key"/>.</summary>
    /// <param name="key">The key of the entry involved.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause, or null.</param>
    public MemorySerializationException(string? key, string message, Exception? innerException)
        : base(message, innerException)
    {
        Key = key;
    }

    /// <summary>The key of the entry involved, when the failure concerns one entry.</summary>
    public string? Key { get; }
}
