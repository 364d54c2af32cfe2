namespace AgentMemory;

/// <summary>
/// A prioritized request queue processed by a pool of workers: critical before high before normal before low,
/// first in first out within a priority, with aging so that waiting requests rise in priority and none starves.
/// Failed attempts are retried with exponential backoff up to a maximum number of attempts.
/// </summary>
/// <remarks>Implementations are thread-safe: every member may be called concurrently.</remarks>
public interface IMemoryRequests
{
    /// <summary>Queues a request.</summary>
    /// <param name="operation">What to do; passed to the handler.</param>
    /// <param name="payload">The request's input.</param>
    /// <param name="options">Priority, attempts and metadata; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call (not the request; use <see cref="CancelAsync"/>).</param>
    /// <returns>The request's id.</returns>
    /// <exception cref="ArgumentException"><paramref name="operation"/> is null or empty, or an option is invalid.</exception>
    /// <exception cref="ObjectDisposedException">The queue was shut down.</exception>
    ValueTask<string> EnqueueAsync(string operation, ReadOnlyMemory<byte> payload, MemoryRequestOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Waits until a request completes and returns its response.</summary>
    /// <param name="requestId">The request's id.</param>
    /// <param name="cancellationToken">Stops waiting (the request goes on).</param>
    /// <returns>The response.</returns>
    /// <exception cref="MemoryRequestException">The request failed (the message carries the last error) or is unknown.</exception>
    /// <exception cref="OperationCanceledException">The request was cancelled, or <paramref name="cancellationToken"/> was.</exception>
    ValueTask<MemoryResponse> WaitForResponseAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>Returns a snapshot of a request's state.</summary>
    /// <param name="requestId">The request's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The snapshot, or null when the request is unknown (or finished so long ago that it was forgotten).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="requestId"/> is null.</exception>
    ValueTask<MemoryRequestInfo?> GetStatusAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>Cancels a request: a queued one is removed at once; a running one has its handler's token cancelled.</summary>
    /// <param name="requestId">The request's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True if the request was queued or running.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="requestId"/> is null.</exception>
    ValueTask<bool> CancelAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>Lists queued requests in the order workers would take them now (retries waiting out a backoff last).</summary>
    /// <param name="limit">The most to return; at least 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Snapshots of the queued requests.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is less than 1.</exception>
    ValueTask<IReadOnlyList<MemoryRequestInfo>> GetPendingAsync(int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Returns throughput, latency percentiles and failures over the last <paramref name="window"/>.</summary>
    /// <param name="window">How far back to look; positive.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not positive.</exception>
    ValueTask<MemoryRequestMetrics> GetMetricsAsync(TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>Queues a failed or cancelled request again, with a fresh budget of attempts.</summary>
    /// <param name="requestId">The request's id.</param>
    /// <param name="maxAttempts">Attempts allowed for the new run; at least 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True if the request was failed or cancelled and is queued again.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAttempts"/> is less than 1.</exception>
    ValueTask<bool> RetryAsync(string requestId, int maxAttempts = 3, CancellationToken cancellationToken = default);
}
