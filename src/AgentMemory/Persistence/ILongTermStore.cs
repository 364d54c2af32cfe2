namespace AgentMemory.Persistence;

/// <summary>
/// The long-term tier under a <see cref="Tiers.TieredMemoryStore"/>: a durable table of <see cref="PersistedEntry"/>
/// rows keyed by entry key. The engine ships a SQLite implementation (<c>AddSqlitePersistence</c>) and
/// AgentMemory.PostgreSql a PostgreSQL one; <see cref="Tiers.TieredMemoryStore.Open(ILongTermStore, TieredStoreOptions, Storage.HotTierOptions, TimeProvider, IMemorySerializer, Microsoft.Extensions.Logging.ILoggerFactory)"/>
/// puts the hot tier and the archive over any implementation.
/// </summary>
/// <remarks>
/// <para>
/// <b>Synchronous by design.</b> The tiered store calls these members while it holds the lock stripe of the keys
/// involved (so an entry is never in two tiers with different values), and a lock cannot be held across an
/// <c>await</c>. Implementations therefore block the calling thread until the database answers; with a network
/// database a long-term read or write-through costs one round trip of a blocked thread-pool thread.
/// </para>
/// <para>
/// <b>Thread safety.</b> Implementations must be thread-safe: the tiered store calls them concurrently from many
/// threads (reads of different keys, the flush and sweep timers, consolidation). Writes of one key never overlap.
/// </para>
/// <para>
/// <b>Time.</b> Every <c>nowTicks</c> argument is the tiered store's logical time (from its
/// <see cref="TimeProvider"/>, UTC ticks). An implementation must compare expiry with it, never with its own or the
/// server's clock: a row whose <see cref="PersistedEntry.ExpiresTicks"/> is at or before <c>nowTicks</c> is absent.
/// </para>
/// <para>
/// <b>Failures.</b> Every storage failure (an I/O error, a lost connection, a timeout) surfaces as a
/// <see cref="MemoryStorageException"/> whose message names <see cref="Location"/>; after a failed
/// <see cref="Apply"/> nothing of the batch is visible. A store recovers by itself when its database is back.
/// </para>
/// </remarks>
public interface ILongTermStore : IDisposable
{
    /// <summary>Where the tier keeps its rows, for messages and diagnostics (a file path, or a server and schema; never a password).</summary>
    string Location { get; }

    /// <summary>The live entry for <paramref name="key"/>, or null when there is none or it has expired.</summary>
    /// <param name="key">The key.</param>
    /// <param name="nowTicks">The current logical time.</param>
    /// <returns>The entry, with exactly the payload and metadata that were written.</returns>
    /// <exception cref="MemoryStorageException">The database failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    PersistedEntry? Get(string key, long nowTicks);

    /// <summary>The number of live rows.</summary>
    /// <param name="nowTicks">The current logical time.</param>
    /// <returns>The count.</returns>
    /// <exception cref="MemoryStorageException">The database failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    long Count(long nowTicks);

    /// <summary>Applies a batch of upserts and deletes in one transaction: all of them or, on failure, none. Later writes of a key in the batch win.</summary>
    /// <param name="writes">The writes, in order.</param>
    /// <exception cref="MemoryStorageException">The database failed; nothing of the batch was applied.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    void Apply(IReadOnlyList<LongTermWrite> writes);

    /// <summary>Writes one entry in its own transaction, replacing whatever the key held.</summary>
    /// <param name="entry">The entry.</param>
    /// <exception cref="MemoryStorageException">The database failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    void Upsert(PersistedEntry entry) => Apply([LongTermWrite.Upsert(entry)]);

    /// <summary>Deletes one row.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether there was a row (live or expired).</returns>
    /// <exception cref="MemoryStorageException">The database failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    bool Delete(string key);

    /// <summary>Records access statistics for rows that exist (never lowering a count or a time); keys without a row are ignored.</summary>
    /// <param name="updates">Per key: the access count and the last-access time (UTC ticks).</param>
    /// <exception cref="MemoryStorageException">The database failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    void UpdateAccess(IReadOnlyList<(string Key, long AccessCount, long LastAccessTicks)> updates);

    /// <summary>Deletes every row.</summary>
    /// <param name="nowTicks">The current logical time, to count the live rows.</param>
    /// <returns>How many live rows there were.</returns>
    /// <exception cref="MemoryStorageException">The database failed; nothing was deleted.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    long DeleteAll(long nowTicks);

    /// <summary>The expiry sweep: deletes up to <paramref name="max"/> rows that have expired at <paramref name="nowTicks"/>.</summary>
    /// <param name="nowTicks">The current logical time.</param>
    /// <param name="max">The most rows to delete.</param>
    /// <returns>How many rows were deleted.</returns>
    /// <exception cref="MemoryStorageException">The database failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    int RemoveExpired(long nowTicks, int max);

    /// <summary>
    /// Live keys that start with <paramref name="prefix"/>, pass <paramref name="match"/> and sort (ordinally, by
    /// UTF-16 code unit as <see cref="string.CompareOrdinal(string, string)"/> does) after <paramref name="after"/>,
    /// in that order.
    /// </summary>
    /// <param name="prefix">The literal prefix every key must have; empty for all keys.</param>
    /// <param name="match">The full filter (a glob) applied to each key.</param>
    /// <param name="after">Only keys after this one; null to start at the beginning.</param>
    /// <param name="nowTicks">The current logical time.</param>
    /// <returns>The keys, ordinally sorted.</returns>
    /// <exception cref="MemoryStorageException">The database failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    List<string> Keys(string prefix, Func<string, bool> match, string? after, long nowTicks);

    /// <summary>Hands every live entry to <paramref name="visit"/>, read in one consistent snapshot, with its stored payload size.</summary>
    /// <param name="nowTicks">The current logical time.</param>
    /// <param name="withPayload">Whether the entries carry their payloads; when false <see cref="PersistedEntry.Payload"/> is empty and only the size is given.</param>
    /// <param name="visit">Called once per entry with the entry and its payload size in bytes.</param>
    /// <exception cref="MemoryStorageException">The database failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    void ForEach(long nowTicks, bool withPayload, Action<PersistedEntry, long> visit);

    /// <summary>Opens a point-in-time cursor over every live row, in key order; the snapshot is fixed when this returns, so later writes are not seen.</summary>
    /// <param name="nowTicks">The current logical time.</param>
    /// <returns>The snapshot; dispose it when done.</returns>
    /// <exception cref="MemoryStorageException">The database failed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    EntrySnapshot OpenSnapshot(long nowTicks);

    /// <summary>Replaces every row with <paramref name="entries"/> in one transaction: all of them or, on failure, nothing changes.</summary>
    /// <param name="entries">The new content (a restore).</param>
    /// <exception cref="MemoryStorageException">The database failed; nothing changed.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    void ReplaceAll(IEnumerable<PersistedEntry> entries);

    /// <summary>Checks that the store is reachable and intact; returns <c>ok</c> when it is, otherwise a description of the problem.</summary>
    /// <returns><c>ok</c>, or the problem found.</returns>
    /// <exception cref="MemoryStorageException">The database cannot be reached.</exception>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    string IntegrityCheck();
}
