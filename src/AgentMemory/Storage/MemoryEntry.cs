namespace AgentMemory.Storage;

/// <summary>
/// The stable node for one key in the entry table. Its current version (<see cref="State"/>) is swapped atomically
/// under the key's stripe lock; the links place it in an eviction queue and are guarded by that queue's lock.
/// </summary>
internal sealed class MemoryEntry
{
    private EntryState? _state;

    public MemoryEntry(string key, int stripe, EntryState state)
    {
        Key = key;
        Stripe = stripe;
        _state = state;
    }

    public string Key { get; }

    /// <summary>The index of the lock stripe that serializes writers of this key.</summary>
    public int Stripe { get; }

    /// <summary>The current version, or null once the entry has left the table.</summary>
    public EntryState? State
    {
        get => Volatile.Read(ref _state);
        set => Volatile.Write(ref _state, value);
    }

    /// <summary>
    /// Set by readers (without a lock) when the entry is used; cleared by the eviction pass, which gives an accessed
    /// entry a second chance instead of evicting it. A lost race only shifts one entry's second chance.
    /// </summary>
    public bool Accessed { get; set; }

    /// <summary>
    /// Set by readers (without a lock, only when clear) when the entry is used; cleared by the tiered store's
    /// consolidation pass. The read that sets it records <see cref="LastAccessTicks"/>, so the time is that of the first read since the last pass. Kept apart from <see cref="Accessed"/>
    /// because eviction clears that bit on its own schedule.
    /// </summary>
    public bool Touched { get; set; }

    /// <summary>How many reads found this entry; approximate under concurrent reads (a plain increment, no interlock).</summary>
    public long AccessCount { get; set; }

    /// <summary>The time of the first read since the last consolidation pass (so at most one pass interval older than the last read), in UTC ticks; 0 for never.</summary>
    public long LastAccessTicks { get; set; }

    // Eviction queue links, guarded by EvictionQueues.SyncRoot.
    public MemoryEntry? Previous { get; set; }

    public MemoryEntry? Next { get; set; }

    /// <summary>The priority queue the entry is linked into, or -1 when it is in none.</summary>
    public int QueueIndex { get; set; } = -1;

    /// <summary>The earliest expiry time the expiration schedule holds for this entry, 0 for none; guarded by the schedule's lock.</summary>
    public long ScheduledExpiry { get; set; }
}
