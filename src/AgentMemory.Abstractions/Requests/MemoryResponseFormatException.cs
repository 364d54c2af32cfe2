namespace AgentMemory;

/// <summary>
/// Thrown when serialized response bytes cannot be accepted: malformed, of an unsupported schema version, failing
/// their checksum, or over the size limit; or when a response is too large to serialize.
/// </summary>
public class MemoryResponseFormatException : MemorySerializationException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemoryResponseFormatException()
        : base("The response bytes are not a valid serialized response.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemoryResponseFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MemoryResponseFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
