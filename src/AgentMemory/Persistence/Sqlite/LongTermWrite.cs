namespace AgentMemory.Persistence.Sqlite;

/// <summary>One change to the long-term tier: an upsert of <see cref="Entry"/>, or a delete of <see cref="Key"/> when it is null.</summary>
internal readonly record struct LongTermWrite(string Key, PersistedEntry? Entry)
{
    public static LongTermWrite Upsert(PersistedEntry entry) => new(entry.Key, entry);

    public static LongTermWrite Delete(string key) => new(key, null);
}
