namespace AgentMemory.Tiers;

/// <summary>Where a <see cref="MemoryManager"/> keeps persistent memories and backups.</summary>
/// <remarks>A plain settings object, copied by the manager; not thread-safe to mutate while a manager is created from it.</remarks>
public sealed class MemoryManagerOptions
{
    /// <summary>The directory that holds one SQLite database per persistent memory (<c>name.db</c>); <see langword="null"/> (the default) keeps every memory in process.</summary>
    public string? RootDirectory { get; set; }

    /// <summary>When set, backup and restore paths must resolve inside this directory (no traversal outside it).</summary>
    public string? BackupRoot { get; set; }
}
