namespace AgentMemory.Redis.Streaming;

/// <summary>
/// Where a subscription starts reading the change log, worked out when it subscribes: the first entry to read, the end
/// of its replay (entries up to there are replayed, never dropped), and the replay's sequence and time floors.
/// </summary>
internal sealed record SubscriptionStart(StreamEntryId Position, bool Inclusive, StreamEntryId ReplayThrough, long SkipBelow, DateTimeOffset? FromTimestamp);
