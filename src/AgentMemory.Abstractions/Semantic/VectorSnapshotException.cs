namespace AgentMemory;

/// <summary>
/// A vector index snapshot could not be loaded: the data is not a snapshot, is of an unknown format version, is
/// truncated, or fails its checksum.
/// </summary>
/// <remarks>Instances are immutable once thrown and safe to share between threads.</remarks>
public class VectorSnapshotException : MemoryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public VectorSnapshotException()
        : base("The vector index snapshot is corrupt.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What is wrong with the snapshot.</param>
    public VectorSnapshotException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What is wrong with the snapshot.</param>
    /// <param name="innerException">The cause.</param>
    public VectorSnapshotException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
