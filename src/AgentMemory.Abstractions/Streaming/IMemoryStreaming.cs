namespace AgentMemory;

/// <summary>
/// Change streaming over a memory store: filtered streams of the store's changes, subscriptions to them (as
/// <c>await foreach</c> or as a handler callback), publishing of application changes, metrics, and replay from a
/// retained change log.
/// </summary>
/// <remarks>
/// <para>
/// Every change gets the next sequence number of the feed; a subscriber receives the changes its stream matches in
/// sequence order. A subscription that starts from a sequence number or a timestamp receives the retained changes
/// from there and then the live ones, with no gap and no duplicate between the two.
/// </para>
/// <para>Implementations are thread-safe: every member may be called concurrently.</para>
/// </remarks>
public interface IMemoryStreaming
{
    /// <summary>Creates a stream: a filter over the feed that subscriptions attach to.</summary>
    /// <param name="options">The stream's name and filter; null for an unfiltered stream.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new stream's id.</returns>
    /// <exception cref="ArgumentException">The key pattern is malformed, or a change type is undefined.</exception>
    ValueTask<string> CreateStreamAsync(MemoryStreamOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a stream; its subscriptions end (their enumerations complete normally).</summary>
    /// <param name="streamId">The stream's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True if the stream existed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="streamId"/> is null.</exception>
    ValueTask<bool> DeleteStreamAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes to a stream for reading with <c>await foreach</c>. The subscription buffers from the moment this
    /// call returns (after any replay it asked for).
    /// </summary>
    /// <param name="streamId">The stream's id.</param>
    /// <param name="options">Buffering, overflow policy and replay start; null for the defaults (live only, drop oldest).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscription; dispose it to unsubscribe.</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <exception cref="MemoryStreamException">The stream does not exist, or the replay asks for changes no longer retained and <see cref="MemorySubscriptionOptions.AllowReplayGap"/> is false.</exception>
    ValueTask<IMemoryChangeSubscription> SubscribeAsync(string streamId, MemorySubscriptionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes a handler to a stream. The handler runs on a background task, one change at a time, in sequence
    /// order; an exception it throws is logged and the next change is delivered.
    /// </summary>
    /// <param name="streamId">The stream's id.</param>
    /// <param name="handler">Called for each change, with a token that is cancelled on unsubscribe.</param>
    /// <param name="options">As for <see cref="SubscribeAsync(string, MemorySubscriptionOptions?, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscription's id, for <see cref="UnsubscribeAsync"/>.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="MemoryStreamException">As for <see cref="SubscribeAsync(string, MemorySubscriptionOptions?, CancellationToken)"/>.</exception>
    ValueTask<string> SubscribeAsync(string streamId, Func<MemoryChange, CancellationToken, ValueTask> handler, MemorySubscriptionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Detaches a subscription and frees its buffer. For a handler subscription, waits until a handler call in
    /// progress returns (unless called from that handler); the handler is not called again.
    /// </summary>
    /// <param name="subscriptionId">The subscription's id.</param>
    /// <param name="cancellationToken">Cancels the wait for a running handler (the subscription is detached regardless).</param>
    /// <returns>True if the subscription existed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="subscriptionId"/> is null.</exception>
    ValueTask<bool> UnsubscribeAsync(string subscriptionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes an application change (for example "consolidated") into the feed, as if the store had made it: it
    /// gets the next sequence number, is retained for replay and is delivered to matching streams.
    /// </summary>
    /// <param name="key">The key the change is about.</param>
    /// <param name="changeType">What happened.</param>
    /// <param name="oldValue">The value before, if known.</param>
    /// <param name="newValue">The value after, if known.</param>
    /// <param name="metadata">Metadata to carry; null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change's sequence number.</returns>
    /// <exception cref="ArgumentException">The key is null or invalid, or the change type is undefined.</exception>
    ValueTask<long> PublishAsync(string key, MemoryChangeType changeType, ReadOnlyMemory<byte>? oldValue = null, ReadOnlyMemory<byte>? newValue = null, IReadOnlyDictionary<string, MetadataValue>? metadata = null, CancellationToken cancellationToken = default);

    /// <summary>Returns a stream's counters.</summary>
    /// <param name="streamId">The stream's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metrics, or null when the stream does not exist.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="streamId"/> is null.</exception>
    ValueTask<MemoryStreamMetrics?> GetStreamMetricsAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>Returns the retained changes a stream matches that were recorded in a time range, oldest first.</summary>
    /// <param name="streamId">The stream's id.</param>
    /// <param name="from">The start of the range, inclusive.</param>
    /// <param name="to">The end of the range, inclusive; null for up to now.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The changes; only those the change log still retains.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    /// <exception cref="MemoryStreamException">The stream does not exist.</exception>
    ValueTask<IReadOnlyList<MemoryChange>> ReplayAsync(string streamId, DateTimeOffset from, DateTimeOffset? to = null, CancellationToken cancellationToken = default);
}
