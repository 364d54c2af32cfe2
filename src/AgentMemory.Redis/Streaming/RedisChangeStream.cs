using System.Collections.Concurrent;
using AgentMemory.Storage;

namespace AgentMemory.Redis.Streaming;

/// <summary>
/// A stream of one <see cref="RedisMemoryStreaming"/>: a filter (key glob and change types) over the shared Redis
/// change log, its subscriptions and its counters. Streams live in the process that created them; the log they read is
/// shared by every process.
/// </summary>
/// <remarks>Thread-safe: the subscription set is concurrent and the counters atomic.</remarks>
internal sealed class RedisChangeStream
{
    private readonly GlobPattern _pattern;
    private readonly int _typeMask;
    private long _published;
    private long _publishedThrough;
    private long _delivered;
    private long _dropped;

    public RedisChangeStream(string id, MemoryStreamOptions options)
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
    }

    public string Id { get; }

    public string? Name { get; }

    public ConcurrentDictionary<string, RedisChangeSubscription> Subscriptions { get; } = new(StringComparer.Ordinal);

    public long Published => Volatile.Read(ref _published);

    public long Delivered => Volatile.Read(ref _delivered);

    public long Dropped => Volatile.Read(ref _dropped);

    public bool Matches(MemoryChange change) =>
        (_typeMask & (1 << (int)change.ChangeType)) != 0 && _pattern.IsMatch(change.Key);

    /// <summary>
    /// Counts a matching change once for the stream, however many of its subscriptions read it: only changes newer
    /// than every change counted before are counted.
    /// </summary>
    public void CountPublished(long sequence)
    {
        var seen = Volatile.Read(ref _publishedThrough);
        while (sequence > seen)
        {
            var previous = Interlocked.CompareExchange(ref _publishedThrough, sequence, seen);
            if (previous == seen)
            {
                Interlocked.Increment(ref _published);
                return;
            }

            seen = previous;
        }
    }

    public void CountDelivered() => Interlocked.Increment(ref _delivered);

    public void CountDropped() => Interlocked.Increment(ref _dropped);

    public long Lag()
    {
        long lag = 0;
        foreach (var subscription in Subscriptions.Values)
        {
            lag += subscription.Buffered;
        }

        return lag;
    }
}
