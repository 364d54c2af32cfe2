namespace AgentMemory;

/// <summary>Thrown when the storage underneath a store fails: a database that cannot be opened or is corrupt, a server that is down.</summary>
public class MemoryStorageException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public MemoryStorageException()
        : base("The underlying storage failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public MemoryStorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MemoryStorageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about the entry under <paramref name="key"/>.</summary>
    /// <param name="key">The key of the entry involved.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause, or null.</param>
    public MemoryStorageException(string? key, string message, Exception? innerException)
        : base(message, innerException)
    {
        Key = key;
    }

    /// <summary>The key of the entry involved, when the failure concerns one entry.</summary>
    public string? Key { get; }
}
