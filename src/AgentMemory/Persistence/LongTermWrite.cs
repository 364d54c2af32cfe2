namespace AgentMemory.Persistence;

/// <summary>
/// One change to a long-term tier (<see cref="ILongTermStore"/>): an upsert of <see cref="Entry"/>, or a delete of
/// <see cref="Key"/> when <see cref="Entry"/> is null.
/// </summary>
/// <param name="Key">The key written or deleted.</param>
/// <param name="Entry">The entry to write, replacing whatever the key held; null to delete the key.</param>
/// <remarks>An immutable value; thread-safe.</remarks>
public readonly record struct LongTermWrite(string Key, PersistedEntry? Entry)
{
    /// <summary>A write of <paramref name="entry"/> under its own key.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The write.</returns>
    /// <exception cref="NullReferenceException"><paramref name="entry"/> is null.</exception>
    public static LongTermWrite Upsert(PersistedEntry entry) => new(entry.Key, entry);

    /// <summary>A delete of <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The write.</returns>
    public static LongTermWrite Delete(string key) => new(key, null);
}
