namespace AgentMemory.Storage;

/// <summary>Describes an entry that the store removed on its own (expiry or eviction).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class MemoryEntryRemovedEventArgs : EventArgs
{
    internal MemoryEntryRemovedEventArgs(string key, MemoryRemovalReason reason, EntryState state)
    {
        Key = key;
        Reason = reason;
        State = state;
    }

    /// <summary>The key of the removed entry.</summary>
    public string Key { get; }

    /// <summary>Why it was removed.</summary>
    public MemoryRemovalReason Reason { get; }

    /// <summary>The entry's bookkeeping at the moment it was removed.</summary>
    public MemoryEntryInfo Info => State.ToInfo(Key);

    /// <summary>The removed entry itself: value, metadata and times, for a lower tier to take over.</summary>
    internal EntryState State { get; }
}
