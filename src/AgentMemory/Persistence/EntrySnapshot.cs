namespace AgentMemory.Persistence;

/// <summary>A point-in-time set of entries, enumerated once, holding whatever keeps it consistent until disposed.</summary>
internal sealed class EntrySnapshot(IEnumerable<PersistedEntry> entries, IDisposable? resources = null) : IDisposable
{
    public IEnumerable<PersistedEntry> Entries { get; } = entries;

    public void Dispose() => resources?.Dispose();
}
