namespace AgentMemory;

/// <summary>The embedding generator failed or returned an unusable embedding (wrong count, size, or non-finite values).</summary>
/// <remarks>Instances are immutable once thrown and safe to share between threads.</remarks>
public class EmbeddingException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public EmbeddingException()
        : base("The embedding generator failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public EmbeddingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public EmbeddingException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
