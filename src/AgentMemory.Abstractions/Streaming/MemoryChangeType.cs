namespace AgentMemory;

/// <summary>What happened to an entry, as reported by a <see cref="MemoryChange"/>.</summary>
public enum MemoryChangeType
{
    /// <summary>A key that held no live entry now holds one.</summary>
    Created = 0,

    /// <summary>A live entry got a new version: a new value, new metadata, a changed counter, hash or list.</summary>
    Updated = 1,

    /// <summary>An entry was deleted explicitly (a delete, or a clear of the whole store).</summary>
    Deleted = 2,

    /// <summary>An entry was read. Only emitted when the feed is configured to report reads (off by default).</summary>
    Accessed = 3,

    /// <summary>An entry's time to live ran out and the store removed it.</summary>
    Expired = 4,

    /// <summary>The store removed an entry to stay within its capacity limits.</summary>
    Evicted = 5,
}
