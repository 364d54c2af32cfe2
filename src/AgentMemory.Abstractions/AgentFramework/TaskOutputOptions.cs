namespace AgentMemory;

/// <summary>How a task output is written.</summary>
/// <remarks>A plain settings object, read once per call. Not thread-safe to mutate while a call reads it.</remarks>
public sealed class TaskOutputOptions
{
    /// <summary>Metadata to keep with the output (who produced it, a schema version...).</summary>
    public IReadOnlyDictionary<string, MetadataValue>? Metadata { get; set; }

    /// <summary>How long to keep the output; null to keep it until deleted.</summary>
    public TimeSpan? Ttl { get; set; }

    /// <summary>
    /// A lease the writer holds: the write is made only if the lease's fencing token is still the newest on its
    /// resource, and otherwise fails with <see cref="MemoryFencingException"/>. Null for an unprotected write.
    /// </summary>
    public ILockLease? Fence { get; set; }
}
