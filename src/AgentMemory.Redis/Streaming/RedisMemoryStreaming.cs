using System.Collections.Concurrent;
using AgentMemory.Redis.Connection;
using AgentMemory.Serialization;
using AgentMemory.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AgentMemory.Redis.Streaming;

/// <summary>
/// <see cref="IMemoryStreaming"/> over a Redis Stream shared by every process that uses the same server, database and
/// key prefix: the change records of <c>{prefix}__changes</c> written by the Redis store (with change publishing on)
/// and by <see cref="PublishAsync"/> of any process reach every subscriber, and replay works across processes because
/// a subscriber's position is a stream entry id.
/// </summary>
/// <remarks>
/// <para>
/// Streams (filters) and subscriptions belong to the process that created them; the change log they read is shared.
/// Each subscription reads the log from its own position with <c>XRANGE</c>, woken by the notify channel
/// <c>{prefix}__changes:notify</c> and, as a fallback, by a poll every <see cref="RedisStreamingOptions.PollInterval"/>.
/// Replay from a sequence number or a timestamp and the live changes after it are one read loop, so they meet with no
/// gap and no duplicate. Sequence numbers come from <c>INCR {prefix}__changes:seq</c> in the same script as the
/// <c>XADD</c>, so they increase in stream order. Timestamps are the writers' clocks (unix milliseconds): locating a
/// replay start by timestamp assumes the writers' clocks are roughly synchronized.
/// </para>
/// <para>
/// When Redis is unreachable, calls fail with <see cref="MemoryStreamException"/> and subscriptions keep their position
/// and retry; after the server is back they continue after the last change they saw. A server restarted without
/// persistence starts a new, empty log whose sequence numbers begin again at 1.
/// </para>
/// <para>Thread-safe. Dispose it to end every subscription; it does not dispose the connection.</para>
/// </remarks>
public sealed class RedisMemoryStreaming : IMemoryStreaming, IAsyncDisposable, IDisposable
{
    private readonly IConnectionMultiplexer _connection;
    private readonly RedisChangeLog _log;
    private readonly RedisStreamingOptions _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AsyncSignal _changed = new();
    private readonly RedisChannel _notifyChannel;
    private readonly ConcurrentDictionary<string, RedisChangeStream> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RedisChangeSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RedisHandlerSubscription> _handlers = new(StringComparer.Ordinal);
    private readonly object _subscribeGate = new();
    private readonly string _instance = Guid.NewGuid().ToString("N")[..8];
    private Task? _notifySubscribed;
    private long _nextId;
    private int _disposed;

    /// <summary>Creates the service over an open connection.</summary>
    /// <param name="connection">The Redis connection; shared, not owned (dispose it after the service).</param>
    /// <param name="options">Database and key prefix (the same as the store's, to see its changes); copied now.</param>
    /// <param name="streamingOptions">Log length and reading settings; copied now; null for the defaults.</param>
    /// <param name="timeProvider">The clock for published timestamps, block timeouts and polls; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Where to log handler failures and Redis outages; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public RedisMemoryStreaming(IConnectionMultiplexer connection, RedisMemoryOptions options, RedisStreamingOptions? streamingOptions = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        streamingOptions ??= new RedisStreamingOptions();
        var errors = streamingOptions.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(streamingOptions));
        }

        if (options.KeyPrefix is null || options.Database < 0)
        {
            throw new ArgumentException(string.Join(" ", options.Validate()), nameof(options));
        }

        _connection = connection;
        _settings = streamingOptions.Clone();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _log = new RedisChangeLog(connection.GetDatabase(options.Database), options.KeyPrefix, _settings.ChangeLogMaxLength);
        _notifyChannel = RedisChannel.Literal(_log.NotifyChannel);
        _connection.ConnectionRestored += OnConnectionRestored;
    }

    /// <inheritdoc />
    public ValueTask<string> CreateStreamAsync(MemoryStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stream = new RedisChangeStream(NextId("stream"), options ?? new MemoryStreamOptions());
        _streams[stream.Id] = stream;
        return new(stream.Id);
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteStreamAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_streams.TryRemove(streamId, out var stream))
        {
            return false;
        }

        var subscriptions = stream.Subscriptions.Values.ToArray();
        foreach (var subscription in subscriptions)
        {
            subscription.Complete();
        }

        foreach (var subscription in subscriptions)
        {
            await subscription.StopPumpAsync().ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc />
    /// <exception cref="MemoryStreamException">Also when Redis cannot be reached to find the subscription's start.</exception>
    public async ValueTask<IMemoryChangeSubscription> SubscribeAsync(string streamId, MemorySubscriptionOptions? options = null, CancellationToken cancellationToken = default)
        => await AttachAsync(streamId, options, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <exception cref="MemoryStreamException">Also when Redis cannot be reached to find the subscription's start.</exception>
    public async ValueTask<string> SubscribeAsync(string streamId, Func<MemoryChange, CancellationToken, ValueTask> handler, MemorySubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = await AttachAsync(streamId, options, cancellationToken).ConfigureAwait(false);
        var pump = new RedisHandlerSubscription(subscription, handler, _logger);
        _handlers[subscription.Id] = pump;
        pump.Start();
        return subscription.Id;
    }

    /// <inheritdoc />
    public async ValueTask<bool> UnsubscribeAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        _handlers.TryGetValue(subscriptionId, out var pump);
        if (!_subscriptions.TryGetValue(subscriptionId, out var subscription) || !subscription.Detach())
        {
            return false;
        }

        if (pump is not null)
        {
            await pump.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await subscription.StopPumpAsync().ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc />
    /// <remarks>
    /// One script numbers the change (<c>INCR</c>), appends it to the shared stream (<c>XADD</c>, trimmed to about
    /// <see cref="RedisStreamingOptions.ChangeLogMaxLength"/>) and announces it (<c>PUBLISH</c>): subscribers in every
    /// process receive it.
    /// </remarks>
    /// <exception cref="MemoryStreamException">Redis could not be reached or failed; the change was not published.</exception>
    public async ValueTask<long> PublishAsync(string key, MemoryChangeType changeType, ReadOnlyMemory<byte>? oldValue = null, ReadOnlyMemory<byte>? newValue = null, IReadOnlyDictionary<string, MetadataValue>? metadata = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        if (!Enum.IsDefined(changeType))
        {
            throw new ArgumentException($"The change type {(int)changeType} is not a defined MemoryChangeType.", nameof(changeType));
        }

        var meta = MetadataCodec.Encode(metadata);
        cancellationToken.ThrowIfCancellationRequested();
        return await _log.AppendAsync(key, changeType, _time.GetUtcNow(), oldValue, newValue, meta).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="MemoryStreamException">Redis could not be reached to read the newest sequence number.</exception>
    public async ValueTask<MemoryStreamMetrics?> GetStreamMetricsAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_streams.TryGetValue(streamId, out var stream))
        {
            return null;
        }

        var lastSequence = await _log.LastSequenceAsync().ConfigureAwait(false);
        return new MemoryStreamMetrics
        {
            StreamId = stream.Id,
            Name = stream.Name,
            Subscribers = stream.Subscriptions.Count,
            Published = stream.Published,
            Delivered = stream.Delivered,
            Dropped = stream.Dropped,
            Lag = stream.Lag(),
            LastSequence = lastSequence,
        };
    }

    /// <inheritdoc />
    /// <remarks>The range is located by the records' timestamps (the writers' clocks, in milliseconds), assuming they grow in stream order.</remarks>
    /// <exception cref="MemoryStreamException">Also when Redis could not be reached or failed.</exception>
    public async ValueTask<IReadOnlyList<MemoryChange>> ReplayAsync(string streamId, DateTimeOffset from, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
    {
        if (to < from)
        {
            throw new ArgumentException($"The end of the replay range ({to:O}) is before its start ({from:O}).", nameof(to));
        }

        var stream = GetStream(streamId);
        cancellationToken.ThrowIfCancellationRequested();
        var fromMs = from.ToUnixTimeMilliseconds();
        var toMs = to?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        var changes = new List<MemoryChange>();
        var start = await _log.FindFirstAsync((_, timestamp) => timestamp >= fromMs).ConfigureAwait(false);
        if (start is not { } position)
        {
            return changes;
        }

        var inclusive = true;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await _log.ReadAsync(position, inclusive, _settings.ReadBatchSize).ConfigureAwait(false);
            foreach (var entry in page)
            {
                var change = RedisChangeRecord.Decode(entry, out _);
                if (change is null)
                {
                    continue;
                }

                var timestamp = change.Timestamp.ToUnixTimeMilliseconds();
                if (timestamp > toMs)
                {
                    return changes;
                }

                if (timestamp >= fromMs && stream.Matches(change))
                {
                    changes.Add(change);
                }
            }

            if (page.Length < _settings.ReadBatchSize)
            {
                return changes;
            }

            position = StreamEntryId.Parse(page[^1].Id!);
            inclusive = false;
        }
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking until it completes (for containers that dispose synchronously).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Ends every subscription and stops listening for notifications. It does not dispose the connection.</summary>
    /// <returns>A task that completes when the subscriptions' readers have stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _connection.ConnectionRestored -= OnConnectionRestored;
        foreach (var id in _subscriptions.Keys.ToArray())
        {
            await UnsubscribeAsync(id).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _notifySubscribed) is not null)
        {
            try
            {
                await _connection.GetSubscriber().UnsubscribeAsync(_notifyChannel).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisFailures.IsRedisFailure(ex))
            {
                // The server is gone; so is the subscription.
            }
        }
    }

    private async ValueTask<RedisChangeSubscription> AttachAsync(string streamId, MemorySubscriptionOptions? options, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        options ??= new MemorySubscriptionOptions();
        Validate(options);
        var stream = GetStream(streamId);
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureNotifySubscribedAsync().ConfigureAwait(false);
        var start = await FindStartAsync(options).ConfigureAwait(false);
        var copy = new MemorySubscriptionOptions { BufferCapacity = options.BufferCapacity, OverflowPolicy = options.OverflowPolicy, BlockTimeout = options.BlockTimeout };
        var subscription = new RedisChangeSubscription(NextId("sub"), stream, _log, _changed, copy, start, _settings, _time, _logger, Forget);
        _subscriptions[subscription.Id] = subscription;
        stream.Subscriptions[subscription.Id] = subscription;
        subscription.Start();
        return subscription;
    }

    private async Task<SubscriptionStart> FindStartAsync(MemorySubscriptionOptions options)
    {
        var last = await _log.LastPositionAsync().ConfigureAwait(false);
        if (options.FromSequence is { } fromSequence)
        {
            var oldest = await _log.FirstAsync().ConfigureAwait(false);
            var trimmedThrough = oldest is { } first && RedisChangeRecord.Peek(first) is { } head
                ? head.Sequence - 1
                : await _log.LastSequenceAsync().ConfigureAwait(false);
            if (fromSequence <= trimmedThrough && !options.AllowReplayGap)
            {
                throw new MemoryStreamException(
                    $"Cannot replay from sequence {fromSequence}: the Redis change log no longer holds changes up to {trimmedThrough} " +
                    "(it is trimmed to RedisStreamingOptions.ChangeLogMaxLength / the store's change log length). Set AllowReplayGap to start from the oldest retained change.");
            }

            var position = await _log.FindFirstAsync((sequence, _) => sequence >= fromSequence).ConfigureAwait(false);
            return position is { } p
                ? new SubscriptionStart(p, Inclusive: true, last, fromSequence, null)
                : new SubscriptionStart(last, Inclusive: false, last, fromSequence, null);
        }

        if (options.FromTimestamp is { } fromTimestamp)
        {
            var fromMs = fromTimestamp.ToUnixTimeMilliseconds();
            var oldest = await _log.FirstAsync().ConfigureAwait(false);
            var head = oldest is { } first ? RedisChangeRecord.Peek(first) : null;
            var trimmed = head is { } h ? h.Sequence > 1 : await _log.LastSequenceAsync().ConfigureAwait(false) > 0;
            if (trimmed && (head is null || head.Value.Timestamp >= fromMs) && !options.AllowReplayGap)
            {
                throw new MemoryStreamException(
                    $"Cannot replay from {fromTimestamp:O}: the Redis change log has been trimmed and its oldest retained change is not older than that, so changes may be missing. " +
                    "Set AllowReplayGap to start from the oldest retained change.");
            }

            var position = await _log.FindFirstAsync((_, timestamp) => timestamp >= fromMs).ConfigureAwait(false);
            var floor = DateTimeOffset.FromUnixTimeMilliseconds(fromMs);
            return position is { } p
                ? new SubscriptionStart(p, Inclusive: true, last, 0, floor)
                : new SubscriptionStart(last, Inclusive: false, last, 0, null);
        }

        return new SubscriptionStart(last, Inclusive: false, last, 0, null);
    }

    private async Task EnsureNotifySubscribedAsync()
    {
        Task subscribed;
        lock (_subscribeGate)
        {
            // A failed attempt (Redis was down) is retried by the next subscriber; StackExchange.Redis renews a
            // successful one by itself after a reconnect.
            if (_notifySubscribed is null || _notifySubscribed.IsFaulted || _notifySubscribed.IsCanceled)
            {
                _notifySubscribed = _connection.GetSubscriber().SubscribeAsync(_notifyChannel, (_, _) => _changed.Set());
            }

            subscribed = _notifySubscribed;
        }

        try
        {
            await subscribed.ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsRedisFailure(ex))
        {
            throw RedisFailures.Stream("subscribing to change notifications", ex);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => _changed.Set();

    private void Forget(RedisChangeSubscription subscription)
    {
        _subscriptions.TryRemove(subscription.Id, out _);
        _handlers.TryRemove(subscription.Id, out _);
    }

    private RedisChangeStream GetStream(string streamId)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        return _streams.TryGetValue(streamId, out var stream)
            ? stream
            : throw new MemoryStreamException($"There is no stream '{streamId}'; create one with CreateStreamAsync.");
    }

    private static void Validate(MemorySubscriptionOptions options)
    {
        if (options.BufferCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BufferCapacity, "MemorySubscriptionOptions.BufferCapacity must be at least 1.");
        }

        if (!Enum.IsDefined(options.OverflowPolicy))
        {
            throw new ArgumentException($"MemorySubscriptionOptions.OverflowPolicy {(int)options.OverflowPolicy} is not a defined StreamOverflowPolicy.", nameof(options));
        }

        if (options.BlockTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BlockTimeout, "MemorySubscriptionOptions.BlockTimeout must be positive.");
        }

        if (options.FromSequence is not null && options.FromTimestamp is not null)
        {
            throw new ArgumentException("Set at most one of MemorySubscriptionOptions.FromSequence and FromTimestamp.", nameof(options));
        }

        if (options.FromSequence is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FromSequence, "MemorySubscriptionOptions.FromSequence must be at least 1 (the first change's number).");
        }
    }

    private string NextId(string kind) => $"{kind}-{_instance}-{Interlocked.Increment(ref _nextId)}";
}
