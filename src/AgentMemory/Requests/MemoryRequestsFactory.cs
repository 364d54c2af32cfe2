namespace AgentMemory.Requests;

/// <summary>Creates the request queue and the response service without dependency injection.</summary>
/// <remarks>Thread-safe.</remarks>
public static class MemoryRequestsFactory
{
    /// <summary>
    /// Creates a request queue and starts its workers. The returned object also implements
    /// <see cref="IAsyncDisposable"/> and <see cref="IDisposable"/>: dispose it to cancel queued requests, cancel
    /// running handlers' tokens and wait for the workers to stop.
    /// </summary>
    /// <param name="handler">Does the work of each request.</param>
    /// <param name="options">Workers, retries, aging and metrics, copied now; null for the defaults.</param>
    /// <param name="timeProvider">The clock for aging, backoff and metrics; null for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The queue.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static IMemoryRequests CreateQueue(IMemoryRequestHandler handler, MemoryRequestsOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        options ??= new MemoryRequestsOptions();
        ThrowIfInvalid(options.Validate());
        return new MemoryRequestQueue(handler, options, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Creates the response service, caching in <paramref name="store"/>.</summary>
    /// <param name="store">Where cached responses live.</param>
    /// <param name="options">Cache key prefix, default TTL and size limit, copied now; null for the defaults.</param>
    /// <param name="timeProvider">The clock that stamps responses; null for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The service.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static IMemoryResponses CreateResponses(IMemoryStore store, MemoryResponsesOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new MemoryResponsesOptions();
        ThrowIfInvalid(options.Validate());
        return new MemoryResponses(store, options, timeProvider ?? TimeProvider.System);
    }

    private static void ThrowIfInvalid(IReadOnlyList<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), "options");
        }
    }
}
