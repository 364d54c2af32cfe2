namespace AgentMemory;

/// <summary>Counters of one stream, as returned by <see cref="IMemoryStreaming.GetStreamMetricsAsync"/>.</summary>
/// <remarks>Immutable and thread-safe. Counters are read without stopping writers, so each is exact but they may describe slightly different instants.</remarks>
public sealed record MemoryStreamMetrics
{
    /// <summary>The stream's id.</summary>
    public required string StreamId { get; init; }

    /// <summary>The stream's display name, if it has one.</summary>
    public string? Name { get; init; }

    /// <summary>Subscriptions currently attached to the stream.</summary>
    public int Subscribers { get; init; }

    /// <summary>Changes that matched the stream's filter while the feed was active (it had a subscriber or a change log).</summary>
    public long Published { get; init; }

    /// <summary>Changes handed to subscribers (each subscriber's copy counts once), including replayed ones.</summary>
    public long Delivered { get; init; }

    /// <summary>Changes subscribers of this stream lost to <see cref="StreamOverflowPolicy.DropOldest"/> overflow.</summary>
    public long Dropped { get; init; }

    /// <summary>Changes buffered but not yet read, summed over the stream's subscribers: how far they are behind.</summary>
    public long Lag { get; init; }

    /// <summary>The sequence number of the newest change in the feed (0 before the first).</summary>
    public long LastSequence { get; init; }
}
