using AgentMemory.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentMemory.Streaming;

/// <summary>Creates the change-streaming service of an <see cref="InMemoryStore"/> without dependency injection.</summary>
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
        options ??= new MemoryStreamingOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        return new MemoryStreaming(store.AttachChangeFeed(options), logger ?? NullLogger.Instance);
    }
}
