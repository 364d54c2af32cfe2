namespace AgentMemory.Streaming;

/// <summary>
/// A store's change feed. Under one lock it numbers each change, appends it to the change log and offers it to
/// every matching subscription, so the log and every subscriber see changes in sequence order, and a subscription
/// that replays the log and then goes live (both under the same lock) sees each change exactly once.
/// </summary>
/// <remarks>
/// Thread-safe. The store calls <see cref="Publish"/> while holding the changed key's stripe lock (lock order:
/// stripe, then feed, then a subscription's buffer), so the changes of one key enter the feed in the order they
/// happened. <see cref="IsActive"/> is the store's cheap test: with no log and no subscriber, nothing is built.
/// </remarks>
internal sealed class ChangeFeed
{
    private readonly object _gate = new();
    private readonly IChangeLogStore? _log;
    private ChangeStream[] _streams = [];
    private int _subscriptions;
    private long _sequence;
    private long _lastTicks;
    private volatile bool _active;

    /// <param name="options">The feed's settings.</param>
    /// <param name="timeProvider">The store's clock.</param>
    /// <param name="log">
    /// Where to retain changes; null for the default <see cref="InMemoryChangeLog"/> sized by the options (none when
    /// <see cref="MemoryStreamingOptions.RetainedChanges"/> is 0). A durable log in the long-term tier plugs in here.
    /// </param>
    public ChangeFeed(MemoryStreamingOptions options, TimeProvider timeProvider, IChangeLogStore? log = null)
    {
        Time = timeProvider;
        EmitsAccessed = options.EmitAccessed;
        _log = log ?? (options.RetainedChanges > 0 ? new InMemoryChangeLog(options.RetainedChanges, options.RetentionAge) : null);
        _active = _log is not null;
        if (_log is not null)
        {
            // A durable log continues where the previous process stopped: numbers are never reused, time never goes back.
            _sequence = _log.LastSequence;
            _lastTicks = _log.LastTimestamp?.UtcTicks ?? 0;
        }
    }

    /// <summary>True when a change would be recorded or delivered: there is a change log or a subscription.</summary>
    public bool IsActive => _active;

    /// <summary>Whether the store should report reads.</summary>
    public bool EmitsAccessed { get; }

    public TimeProvider Time { get; }

    public long LastSequence => Volatile.Read(ref _sequence);

    /// <summary>The change log, for tests.</summary>
    internal IChangeLogStore? Log => _log;

    /// <summary>Subscriptions attached to any stream.</summary>
    public int SubscriptionCount => Volatile.Read(ref _subscriptions);

    /// <summary>Numbers a change, records it and hands it to the matching subscriptions.</summary>
    /// <returns>The change's sequence number.</returns>
    public long Publish(string key, MemoryChangeType type, ReadOnlyMemory<byte>? oldValue, ReadOnlyMemory<byte>? newValue, IReadOnlyDictionary<string, MetadataValue>? metadata)
    {
        List<ChangeSubscription>? failed = null;
        long sequence;
        lock (_gate)
        {
            // Timestamps never go backwards in sequence order, even if the clock does.
            var ticks = Math.Max(Time.GetUtcNow().UtcTicks, _lastTicks);
            _lastTicks = ticks;
            sequence = ++_sequence;
            var change = new MemoryChange
            {
                Sequence = sequence,
                Key = key,
                ChangeType = type,
                Timestamp = new DateTimeOffset(ticks, TimeSpan.Zero),
                OldValue = oldValue,
                NewValue = newValue,
                Metadata = metadata,
            };
            _log?.Append(change);
            foreach (var stream in _streams)
            {
                if (!stream.Matches(change))
                {
                    continue;
                }

                stream.CountPublished();
                foreach (var subscription in stream.Subscriptions)
                {
                    if (!subscription.Offer(change))
                    {
                        (failed ??= []).Add(subscription);
                    }
                }
            }

            if (failed is not null)
            {
                foreach (var subscription in failed)
                {
                    RemoveLocked(subscription);
                }
            }
        }

        return sequence;
    }

    public void AddStream(ChangeStream stream)
    {
        lock (_gate)
        {
            _streams = [.. _streams, stream];
        }
    }

    /// <summary>Removes a stream and completes its subscriptions.</summary>
    public void RemoveStream(ChangeStream stream)
    {
        ChangeSubscription[] subscriptions;
        lock (_gate)
        {
            _streams = Array.FindAll(_streams, s => !ReferenceEquals(s, stream));
            subscriptions = stream.Subscriptions;
            foreach (var subscription in subscriptions)
            {
                RemoveLocked(subscription);
            }
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Complete();
        }
    }

    /// <summary>
    /// Creates a subscription and attaches it, taking its replay snapshot under the same lock, so the first live
    /// change it receives is the one after the last replayed change.
    /// </summary>
    /// <exception cref="MemoryStreamException">The replay start is no longer retained and gaps are not allowed.</exception>
    public ChangeSubscription Subscribe(string id, ChangeStream stream, MemorySubscriptionOptions options)
    {
        lock (_gate)
        {
            var replay = new List<MemoryChange>();
            var skipBelow = 0L;
            if (options.FromSequence is { } fromSequence)
            {
                _log?.Trim(Time.GetUtcNow());
                var trimmedThrough = _log?.TrimmedThroughSequence ?? _sequence;
                if (fromSequence <= trimmedThrough && !options.AllowReplayGap)
                {
                    throw new MemoryStreamException(
                        $"Cannot replay from sequence {fromSequence}: the change log no longer holds changes up to {trimmedThrough} " +
                        $"(RetainedChanges / RetentionAge{(_log is null ? "; no change log is kept" : string.Empty)}). Set AllowReplayGap to start from the oldest retained change.");
                }

                _log?.CopyFrom(fromSequence, stream.Filter, replay);
                skipBelow = fromSequence;
            }
            else if (options.FromTimestamp is { } fromTimestamp)
            {
                _log?.Trim(Time.GetUtcNow());
                var trimmedAt = _log is null ? (_sequence == 0 ? (DateTimeOffset?)null : new DateTimeOffset(_lastTicks, TimeSpan.Zero)) : _log.TrimmedThroughTimestamp;
                if (trimmedAt >= fromTimestamp && !options.AllowReplayGap)
                {
                    throw new MemoryStreamException(
                        $"Cannot replay from {fromTimestamp:O}: the change log no longer holds changes recorded up to {trimmedAt:O} " +
                        $"(RetainedChanges / RetentionAge{(_log is null ? "; no change log is kept" : string.Empty)}). Set AllowReplayGap to start from the oldest retained change.");
                }

                _log?.CopyRange(fromTimestamp, DateTimeOffset.MaxValue, stream.Filter, replay);
            }

            var subscription = new ChangeSubscription(id, stream, this, options, [.. replay], skipBelow);
            stream.Subscriptions = [.. stream.Subscriptions, subscription];
            _subscriptions++;
            _active = true;
            return subscription;
        }
    }

    /// <summary>Detaches a subscription; no more changes are offered to it. Idempotent.</summary>
    public void Detach(ChangeSubscription subscription)
    {
        lock (_gate)
        {
            RemoveLocked(subscription);
        }
    }

    public IReadOnlyList<MemoryChange> Replay(ChangeStream stream, DateTimeOffset from, DateTimeOffset to)
    {
        var changes = new List<MemoryChange>();
        lock (_gate)
        {
            _log?.Trim(Time.GetUtcNow());
            _log?.CopyRange(from, to, stream.Filter, changes);
        }

        return changes;
    }

    /// <summary>Closes a durable change log (committing what it buffers). Changes published afterwards are delivered live but not retained.</summary>
    public void CloseLog()
    {
        lock (_gate)
        {
            (_log as IDisposable)?.Dispose();
        }
    }

    private void RemoveLocked(ChangeSubscription subscription)
    {
        var stream = subscription.Stream;
        var index = Array.IndexOf(stream.Subscriptions, subscription);
        if (index < 0)
        {
            return;
        }

        var remaining = new ChangeSubscription[stream.Subscriptions.Length - 1];
        Array.Copy(stream.Subscriptions, 0, remaining, 0, index);
        Array.Copy(stream.Subscriptions, index + 1, remaining, index, remaining.Length - index);
        stream.Subscriptions = remaining;
        _subscriptions--;
        _active = _log is not null || _subscriptions > 0;
    }
}
