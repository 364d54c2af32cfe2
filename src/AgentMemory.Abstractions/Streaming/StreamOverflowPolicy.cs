namespace AgentMemory;

/// <summary>What a subscription does when its bounded buffer is full and another change arrives.</summary>
public enum StreamOverflowPolicy
{
    /// <summary>
    /// Drop the oldest buffered change to make room, and count it in <see cref="MemoryStreamMetrics.Dropped"/>.
    /// The writer never waits. The default.
    /// </summary>
    DropOldest = 0,

    /// <summary>
    /// Make the writer wait until the subscriber frees a slot, up to <see cref="MemorySubscriptionOptions.BlockTimeout"/>;
    /// when the timeout passes the subscription fails as with <see cref="FailSubscription"/>. While it waits, every
    /// writer of the store waits: use only for subscribers that must see every change and are known to keep up.
    /// </summary>
    BlockWriter = 1,

    /// <summary>
    /// Fail the subscription: it is removed from the feed, the subscriber receives what was buffered and then a
    /// <see cref="MemoryStreamException"/>. The writer never waits.
    /// </summary>
    FailSubscription = 2,
}
