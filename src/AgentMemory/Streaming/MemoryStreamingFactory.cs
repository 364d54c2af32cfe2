using AgentMemory.Storage;
using AgentMemory.Tiers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMemory.Streaming;

/// <summary>Creates the change-streaming service of an <see cref="InMemoryStore"/> or a <see cref="TieredMemoryStore"/> without dependency injection.</summary>
/// <remarks>Thread-safe.</remarks>
public static class MemoryStreamingFactory
{
    /// <summary>
    /// Attaches a change feed to <paramref name="store"/> and returns the streaming service over it. From this call on,
    /// every mutation of the store (including expiry and eviction) is numbered and published. A store has at most
    /// one feed: attach it once, before the writes you want to see.
    /// </summary>
    /// <param name="store">The store whose changes to stream.</param>
    /// <param name="options">The change log and read-reporting settings, copied now; null for the defaults.</param>
    /// <param name="logger">Where to log handler failures; null for none.</param>
    /// <returns>The streaming service.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The store already has a change feed.</exception>
    public static IMemoryStreaming Create(InMemoryStore store, MemoryStreamingOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options = Checked(options);
        return new MemoryStreaming(store.AttachChangeFeed(options), logger ?? NullLogger.Instance);
    }

    /// <summary>
    /// Attaches a change feed to a tiered store. With <see cref="MemoryStreamingOptions.PersistChangeLog"/> (the
    /// default) and a change log (<see cref="MemoryStreamingOptions.RetainedChanges"/> above 0), the log is kept in
    /// the store's SQLite database (<see cref="TieredMemoryStore.DatabasePath"/>), so a subscriber of a restarted
    /// process can replay from a sequence number or time of the previous one, and sequence numbers continue where
    /// they stopped. The returned service implements <see cref="IDisposable"/>: dispose it (before or after the store)
    /// to commit the log's buffered changes and record a clean close; a dependency-injection container does this.
    /// </summary>
    /// <param name="store">The tiered store whose changes to stream.</param>
    /// <param name="options">The change log and read-reporting settings, copied now; null for the defaults.</param>
    /// <param name="logger">Where to log handler and change-log failures; null for none.</param>
    /// <returns>The streaming service.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The store already has a change feed.</exception>
    /// <exception cref="MemoryStorageException">The database cannot hold the change log: not an AgentMemory database, or corrupt.</exception>
    public static IMemoryStreaming Create(TieredMemoryStore store, MemoryStreamingOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options = Checked(options);
        logger ??= NullLogger.Instance;
        if (!options.PersistChangeLog || options.RetainedChanges == 0)
        {
            return new MemoryStreaming(store.Hot.AttachChangeFeed(options), logger);
        }

        var log = SqliteChangeLog.Open(store.DatabasePath, options.RetainedChanges, options.RetentionAge, options.ChangeLogFlushInterval, store.Hot.Clock, logger);
        try
        {
            return new MemoryStreaming(store.Hot.AttachChangeFeed(options, log), logger);
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    private static MemoryStreamingOptions Checked(MemoryStreamingOptions? options)
    {
        options ??= new MemoryStreamingOptions();
        var errors = options.Validate();
        return errors.Count > 0 ? throw new ArgumentException(string.Join(" ", errors), nameof(options)) : options;
    }
}
