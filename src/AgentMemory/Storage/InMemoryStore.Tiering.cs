using AgentMemory.Persistence;

namespace AgentMemory.Storage;

// The seams the tiered store uses to move entries in and out of the hot tier with their bookkeeping.
public sealed partial class InMemoryStore : ISnapshotStore
{
    /// <summary>
    /// Called under the key's stripe lock just before an entry is evicted, with the entry and its last version, so a
    /// tier below can take it over before any reader can miss it. Must be fast and must not throw or take locks
    /// that writers hold.
    /// </summary>
    internal Action<MemoryEntry, EntryState>? Evicting { get; set; }

    /// <summary>
    /// Set while <see cref="Install"/> runs on this thread: the entry it inserts was just read from a lower tier, so it
    /// starts with its CLOCK bit set instead of being the first eviction candidate of the pass its own insert causes.
    /// </summary>
    [ThreadStatic]
    private static bool t_installing;

    /// <summary>Set while the tiered store moves an entry in or out of the hot tier on this thread: such moves publish no change.</summary>
    [ThreadStatic]
    private static bool t_movingBetweenTiers;

    /// <summary>Reads a live entry without counting an access.</summary>
    internal bool TryPeek(string key, out EntryState state, out MemoryEntry entry) => TryPeek(key, NowTicks(), out state, out entry);

    /// <summary>Reads an entry live at <paramref name="nowTicks"/> without counting an access (for callers that read the clock once for many keys).</summary>
    internal bool TryPeek(string key, long nowTicks, out EntryState state, out MemoryEntry entry)
    {
        if (_table.TryGetValue(key, out entry!) && entry.State is { } current && !current.IsExpiredAt(nowTicks))
        {
            state = current;
            return true;
        }

        state = null!;
        return false;
    }

    /// <summary>The persisted form of a live entry, with its access statistics; null when the key holds none.</summary>
    internal PersistedEntry? Export(string key) => Export(key, NowTicks());

    /// <summary>The persisted form of the entry live at <paramref name="nowTicks"/>; null when the key holds none.</summary>
    internal PersistedEntry? Export(string key, long nowTicks) =>
        TryPeek(key, nowTicks, out var state, out var entry) ? PayloadCodec.ToPersisted(key, state, entry.LastAccessTicks, entry.AccessCount) : null;

    /// <summary>
    /// Puts a persisted entry into the hot tier with its times and access statistics, unless the key already holds
    /// a live entry or the persisted one has expired.
    /// </summary>
    /// <returns>True when the entry was installed.</returns>
    /// <exception cref="MemoryCapacityException">The entry is larger than the hot tier's whole byte budget.</exception>
    internal bool Install(PersistedEntry persisted)
    {
        ThrowIfDisposed();
        var now = NowTicks();
        if (persisted.IsExpiredAt(now))
        {
            return false;
        }

        var state = PayloadCodec.ToState(persisted);
        (EntryState? Before, EntryState? After) result;
        t_installing = true;
        t_movingBetweenTiers = true;
        try
        {
            result = Mutate(persisted.Key, now, state, static (current, _, s) => current ?? s);
        }
        finally
        {
            t_installing = false;
            t_movingBetweenTiers = false;
        }

        var (before, after) = result;
        if (before is not null || !ReferenceEquals(after, state))
        {
            return false;
        }

        if (_table.TryGetValue(persisted.Key, out var entry) && ReferenceEquals(entry.State, state))
        {
            entry.AccessCount = persisted.AccessCount;
            entry.LastAccessTicks = persisted.LastAccessTicks;
        }

        return true;
    }

    /// <summary>Removes the entry if its current version is still <paramref name="state"/>; raises no event.</summary>
    internal bool RemoveIfCurrent(string key, EntryState state)
    {
        ThrowIfDisposed();
        t_movingBetweenTiers = true;
        try
        {
            return Mutate(key, NowTicks(), state, static (current, _, s) => ReferenceEquals(current, s) ? null : current).After is null;
        }
        finally
        {
            t_movingBetweenTiers = false;
        }
    }

    /// <summary>Removes every live entry without raising events; returns how many.</summary>
    internal long RemoveAll()
    {
        ThrowIfDisposed();
        return ClearCore();
    }

    /// <summary>
    /// The live entries at this moment (each one's current version; the set is not a point-in-time snapshot unless
    /// writers are held off). With <paramref name="recordAccess"/>, clears each entry's read mark so the next read records its time again.
    /// </summary>
    internal IEnumerable<(MemoryEntry Entry, EntryState State)> EnumerateLive(bool recordAccess)
    {
        var now = NowTicks();
        foreach (var (_, entry) in _table)
        {
            if (entry.State is not { } state || state.IsExpiredAt(now))
            {
                continue;
            }

            if (recordAccess && entry.Touched)
            {
                entry.Touched = false;
            }

            yield return (entry, state);
        }
    }

    /// <summary>The configured entry limit, or null for none.</summary>
    internal long? MaxEntries => _maxEntries == long.MaxValue ? null : _maxEntries;

    /// <summary>The number of live entries.</summary>
    internal long Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    PersistedEntry? ISnapshotStore.ExportEntry(string key) => Export(key);

    /// <inheritdoc />
    void ISnapshotStore.ImportEntry(PersistedEntry entry)
    {
        lock (_stripes[StripeOf(entry.Key)])
        {
            if (TryPeek(entry.Key, out var state, out _))
            {
                RemoveIfCurrent(entry.Key, state);
            }

            Install(entry);
        }
    }

    /// <inheritdoc />
    EntrySnapshot ISnapshotStore.ExportAll()
    {
        var entries = new List<PersistedEntry>();
        WithAllStripes(() =>
        {
            foreach (var (entry, state) in EnumerateLive(recordAccess: false))
            {
                entries.Add(PayloadCodec.ToPersisted(entry.Key, state, entry.LastAccessTicks, entry.AccessCount));
            }
        });
        return new EntrySnapshot(entries);
    }

    /// <inheritdoc />
    long ISnapshotStore.ReplaceAll(IReadOnlyList<PersistedEntry> entries)
    {
        long kept = 0;
        WithAllStripes(() =>
        {
            ClearCore();
            foreach (var entry in entries)
            {
                if (Install(entry))
                {
                    kept++;
                }
            }
        });
        return kept;
    }

    private void WithAllStripes(Action action)
    {
        ThrowIfDisposed();
        var taken = 0;
        try
        {
            for (; taken < _stripes.Length; taken++)
            {
                Monitor.Enter(_stripes[taken]);
            }

            action();
        }
        finally
        {
            for (var i = taken - 1; i >= 0; i--)
            {
                Monitor.Exit(_stripes[i]);
            }
        }
    }
}
