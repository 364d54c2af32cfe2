namespace AgentMemory;

/// <summary>
/// Thrown when a security mechanism refuses an operation: an encrypted value fails authentication (it was
/// tampered with, or copied to another key), its key is unknown or retired, or the key material is unusable.
/// </summary>
/// <remarks>The message says what failed but never includes key material or plaintext.</remarks>
public class MemorySecurityException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemorySecurityException()
        : base("A memory security check failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemorySecurityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MemorySecurityException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
