using AgentMemory.Persistence;

namespace AgentMemory.Tiers;

/// <summary>The archive as the tiered store uses it: append-only, keyed, read back on demand. Thread-safe.</summary>
internal interface IArchiveTier : IDisposable
{
    /// <summary>The number of live keys.</summary>
    long Count { get; }

    /// <summary>Reads the live entry for a key; expired entries are not returned.</summary>
    bool TryGet(string key, long nowTicks, out PersistedEntry? entry);

    /// <summary>Whether the archive holds the key (live or expired but not yet removed).</summary>
    bool Contains(string key);

    /// <summary>Removes the key (durably); returns whether it was there.</summary>
    bool Remove(string key);

    /// <summary>Appends entries durably before returning.</summary>
    void Append(IReadOnlyList<PersistedEntry> entries);

    /// <summary>The keys that pass <paramref name="match"/>.</summary>
    IEnumerable<string> KeysMatching(Func<string, bool> match);

    /// <summary>Drops expired entries; returns how many.</summary>
    int RemoveExpired(long nowTicks);

    /// <summary>Rewrites the live records into fresh segments when enough of the archive is garbage (or when <paramref name="force"/>); returns whether it did.</summary>
    bool Compact(bool force = false);
}
