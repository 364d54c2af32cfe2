namespace AgentMemory;

/// <summary>
/// A live subscription to a stream, read with <c>await foreach</c>. It buffers changes from the moment it is
/// created; dispose it (or call <see cref="IMemoryStreaming.UnsubscribeAsync"/>) to detach it and free its buffer.
/// </summary>
/// <remarks>
/// Enumerate it once, from one consumer at a time; the feed writes into it from any thread. Disposing is
/// thread-safe and idempotent. Enumeration ends when the subscription is disposed or its stream deleted, and
/// throws <see cref="MemoryStreamException"/> (after the buffered changes) when the subscription failed.
/// </remarks>
public interface IMemoryChangeSubscription : IAsyncEnumerable<MemoryChange>, IAsyncDisposable
{
    /// <summary>The subscription's id, usable with <see cref="IMemoryStreaming.UnsubscribeAsync"/>.</summary>
    string Id { get; }

    /// <summary>The id of the stream it belongs to.</summary>
    string StreamId { get; }
}
