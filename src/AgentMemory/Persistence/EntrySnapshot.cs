namespace AgentMemory.Persistence;

/// <summary>
/// A point-in-time set of entries, enumerated once, holding whatever keeps it consistent (a connection, a read
/// transaction) until disposed. <see cref="ILongTermStore.OpenSnapshot"/> returns one for backups and transfers.
/// </summary>
/// <param name="entries">The entries, typically a lazy sequence reading from <paramref name="resources"/>.</param>
/// <param name="resources">What to release on <see cref="Dispose"/>; null for nothing.</param>
/// <remarks>Not thread-safe: one consumer enumerates <see cref="Entries"/> once, then disposes the snapshot.</remarks>
public sealed class EntrySnapshot(IEnumerable<PersistedEntry> entries, IDisposable? resources = null) : IDisposable
{
    /// <summary>The entries; enumerate once.</summary>
    public IEnumerable<PersistedEntry> Entries { get; } = entries;

    /// <summary>Releases the resources that keep the snapshot consistent.</summary>
    public void Dispose() => resources?.Dispose();
}
