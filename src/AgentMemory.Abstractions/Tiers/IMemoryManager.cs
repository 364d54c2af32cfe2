namespace AgentMemory;

/// <summary>
/// Named memories (the seed's second MemoryManager): create, get, list and delete independent memories with their own
/// options, move keys between them, and back a memory up to a file and restore it.
/// </summary>
/// <remarks>Implementations are thread-safe. Names are 1–64 characters of letters, digits, '-' and '_'.</remarks>
public interface IMemoryManager
{
    /// <summary>Creates a memory.</summary>
    /// <param name="name">The memory's name.</param>
    /// <param name="options">Its capacity and persistence; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new memory; it also implements <see cref="IMemoryOperations"/>.</returns>
    /// <exception cref="ArgumentException">The name is invalid, a memory of that name exists, or an option is invalid.</exception>
    /// <exception cref="MemoryStorageException">A persistent memory's database cannot be created.</exception>
    ValueTask<IMemoryStore> CreateMemoryAsync(string name, NamedMemoryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The memory of that name (a persistent one from an earlier run is opened on first use), or <see langword="null"/>.</summary>
    /// <param name="name">The memory's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The name is invalid.</exception>
    /// <exception cref="MemoryStorageException">A persistent memory's database cannot be opened.</exception>
    ValueTask<IMemoryStore?> GetMemoryAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The names of all memories, in ordinal order, including persistent ones not opened yet.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<IReadOnlyList<string>> ListMemoriesAsync(CancellationToken cancellationToken = default);

    /// <summary>Closes a memory and deletes its data (its database file, for a persistent one).</summary>
    /// <param name="name">The memory's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether a memory of that name existed.</returns>
    /// <exception cref="ArgumentException">The name is invalid.</exception>
    ValueTask<bool> DeleteMemoryAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves entries from one memory to another with their kind, metadata, priority and expiry: each is written to the
    /// target, then deleted from the source. Keys the source does not hold are skipped.
    /// </summary>
    /// <param name="source">The memory to move from.</param>
    /// <param name="target">The memory to move to.</param>
    /// <param name="keys">The keys to move.</param>
    /// <param name="cancellationToken">Stops between keys; keys already moved stay moved.</param>
    /// <returns>How many entries moved.</returns>
    /// <exception cref="ArgumentException">A name is invalid or unknown, the two are the same, or a key is invalid.</exception>
    ValueTask<long> TransferAsync(string source, string target, IEnumerable<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a consistent snapshot of a memory, taken while writers run, to a self-describing backup file (format
    /// version, entry count, SHA-256 checksum). The file is written to a temporary name and renamed when complete.
    /// </summary>
    /// <param name="name">The memory to back up.</param>
    /// <param name="path">The backup file; inside the configured backup root when one is set.</param>
    /// <param name="cancellationToken">Cancels before the snapshot is taken.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="ArgumentException">The name is invalid or unknown, or the path leaves the backup root.</exception>
    /// <exception cref="MemoryStorageException">The memory or the file system failed.</exception>
    ValueTask<MemoryBackupInfo> BackupAsync(string name, string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a memory's content with a backup, all or nothing: the whole file is verified (checksum, format, length)
    /// before anything changes. Creates the memory (with default options) when it does not exist. Entries that expired
    /// since the backup are dropped.
    /// </summary>
    /// <param name="name">The memory to restore into.</param>
    /// <param name="path">The backup file; inside the configured backup root when one is set.</param>
    /// <param name="cancellationToken">Cancels before anything changes.</param>
    /// <returns>What was restored.</returns>
    /// <exception cref="ArgumentException">The name is invalid or the path leaves the backup root.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="MemoryStorageException">The file is truncated, altered or not a backup; the memory is unchanged.</exception>
    ValueTask<MemoryBackupInfo> RestoreAsync(string name, string path, CancellationToken cancellationToken = default);
}
