using AgentMemory.Storage;

namespace AgentMemory.Streaming;

/// <summary>
/// A stream: a filter over the feed (key glob and change types), its subscriptions and its counters. The
/// subscription array is replaced (copy on write) under the feed's lock; counters are atomic.
/// </summary>
internal sealed class ChangeStream
{
    private readonly GlobPattern _pattern;
    private readonly int _typeMask;
    private long _published;
    private long _delivered;
    private long _dropped;

    public ChangeStream(string id, MemoryStreamOptions options)
    {
        Id = id;
        Name = options.Name;
        _pattern = GlobPattern.Parse(options.KeyPattern, nameof(options.KeyPattern));
        if (options.ChangeTypes is { Count: > 0 } types)
        {
            foreach (var type in types)
            {
                if (!Enum.IsDefined(type))
                {
                    throw new ArgumentException($"The change type {(int)type} in MemoryStreamOptions.ChangeTypes is not a defined MemoryChangeType.", nameof(options));
                }

                _typeMask |= 1 << (int)type;
            }
        }
        else
        {
            _typeMask = ~0;
        }

        Filter = Matches;
    }

    public string Id { get; }

    public string? Name { get; }

    /// <summary>The subscriptions attached; replaced, never mutated, under the feed's lock.</summary>
    public ChangeSubscription[] Subscriptions { get; set; } = [];

    /// <summary>Cached delegate of <see cref="Matches"/> for the change log's copy methods.</summary>
    public Func<MemoryChange, bool> Filter { get; }

    public long Published => Volatile.Read(ref _published);

    public long Delivered => Volatile.Read(ref _delivered);

    public long Dropped => Volatile.Read(ref _dropped);

    public bool Matches(MemoryChange change) =>
        (_typeMask & (1 << (int)change.ChangeType)) != 0 && _pattern.IsMatch(change.Key);

    /// <summary>Counts a published change. Called under the feed's lock.</summary>
    public void CountPublished() => _published++;

    public void CountDelivered() => Interlocked.Increment(ref _delivered);

    public void CountDropped() => Interlocked.Increment(ref _dropped);

    public long Lag()
    {
        long lag = 0;
        foreach (var subscription in Subscriptions)
        {
            lag += subscription.Buffered;
        }

        return lag;
    }
}
