namespace AgentMemory.Persistence;

/// <summary>A store whose entries can be exported and imported whole (kind, metadata, priority, times): what transfer, backup and restore need. Thread-safe.</summary>
internal interface ISnapshotStore
{
    /// <summary>The live entry for a key, or null.</summary>
    PersistedEntry? ExportEntry(string key);

    /// <summary>Writes an entry, replacing whatever the key held.</summary>
    void ImportEntry(PersistedEntry entry);

    /// <summary>A point-in-time copy of every live entry, taken while writers are held off for as short a time as possible; dispose it when done.</summary>
    EntrySnapshot ExportAll();

    /// <summary>Replaces the whole content with <paramref name="entries"/> (expired ones are dropped); returns how many were kept.</summary>
    long ReplaceAll(IReadOnlyList<PersistedEntry> entries);
}
