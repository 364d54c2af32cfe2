namespace AgentMemory.Storage;

/// <summary>Why the store removed an entry on its own, as reported by <see cref="InMemoryStore.EntryRemoved"/>.</summary>
public enum MemoryRemovalReason
{
    /// <summary>The entry's time to live ran out.</summary>
    Expired = 0,

    /// <summary>The entry was evicted to bring the store back under its entry-count or byte limit.</summary>
    Evicted = 1,
}
