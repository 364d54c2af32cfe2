namespace AgentMemory;

/// <summary>Does the work of queued requests. The request queue's workers call it, several at a time.</summary>
/// <remarks>Implementations must be thread-safe: workers call <see cref="HandleAsync"/> concurrently.</remarks>
public interface IMemoryRequestHandler
{
    /// <summary>Handles one attempt of a request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancelled when the request is cancelled or the queue shuts down; honour it.</param>
    /// <returns>The response data; the queue wraps it in a <see cref="MemoryResponse"/>.</returns>
    /// <exception cref="Exception">Any exception fails the attempt; the queue retries while attempts remain.</exception>
    ValueTask<ReadOnlyMemory<byte>> HandleAsync(MemoryRequest request, CancellationToken cancellationToken);
}
