namespace AgentMemory;

/// <summary>How a subscription buffers, what it does on overflow, and where it starts in the feed.</summary>
/// <remarks>A plain mutable options object; copied when the subscription is created. Not thread-safe.</remarks>
public sealed class MemorySubscriptionOptions
{
    /// <summary>The most changes buffered for a subscriber that has not read them yet. Default 1024; at least 1.</summary>
    public int BufferCapacity { get; set; } = 1024;

    /// <summary>What happens when the buffer is full. Default <see cref="StreamOverflowPolicy.DropOldest"/>: the store is never slowed down.</summary>
    public StreamOverflowPolicy OverflowPolicy { get; set; } = StreamOverflowPolicy.DropOldest;

    /// <summary>How long a writer waits for room under <see cref="StreamOverflowPolicy.BlockWriter"/> (measured on the store's <see cref="TimeProvider"/>). Default one second; positive.</summary>
    public TimeSpan BlockTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Replay from this sequence number: the subscriber first receives the retained changes numbered this or
    /// higher, then live changes, with no gap and no duplicate. Null (and <see cref="FromTimestamp"/> null) to start
    /// with the next live change.
    /// </summary>
    public long? FromSequence { get; set; }

    /// <summary>Replay the retained changes recorded at or after this instant, then continue live. Set at most one of this and <see cref="FromSequence"/>.</summary>
    public DateTimeOffset? FromTimestamp { get; set; }

    /// <summary>
    /// When the change log no longer holds every change the replay asks for (they were trimmed by count or age):
    /// false (default) to refuse the subscription with a <see cref="MemoryStreamException"/>, true to start with the
    /// oldest retained change instead.
    /// </summary>
    public bool AllowReplayGap { get; set; }
}
