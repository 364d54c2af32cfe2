namespace AgentMemory;

/// <summary>When a write to a tiered memory reaches its durable long-term tier.</summary>
public enum DurabilityMode
{
    /// <summary>
    /// The write is committed to the long-term tier (a synchronous SQLite transaction) before the call completes: an
    /// acknowledged write survives a process crash. The slowest mode for single writes.
    /// </summary>
    WriteThrough = 0,

    /// <summary>
    /// The write lands in the hot tier and a write-behind buffer; the buffer is flushed in batches within
    /// <c>WriteBehindDelay</c>, when it reaches its batch size, and completely on a graceful dispose. A crash loses at
    /// most the writes of the last delay window. Reads always see the latest write.
    /// </summary>
    WriteBehind = 1,

    /// <summary>
    /// Writes stay in the hot tier only; an entry reaches the long-term tier when the hot tier evicts it or
    /// consolidation demotes it, never silently dropped. Entries still in the hot tier are lost on exit.
    /// </summary>
    None = 2,
}
