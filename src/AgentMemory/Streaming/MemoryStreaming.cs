using System.Collections.Concurrent;
using AgentMemory.Storage;
using Microsoft.Extensions.Logging;

namespace AgentMemory.Streaming;

/// <summary>
/// The in-process <see cref="IMemoryStreaming"/> over an <see cref="InMemoryStore"/>'s change feed. Thread-safe.
/// Disposing it closes a durable change log (committing what it buffers); streams keep working live.
/// </summary>
internal sealed class MemoryStreaming : IMemoryStreaming, IDisposable
{
    private readonly ChangeFeed _feed;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ChangeStream> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChangeSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HandlerSubscription> _handlers = new(StringComparer.Ordinal);
    private long _nextId;

    public MemoryStreaming(ChangeFeed feed, ILogger logger)
    {
        _feed = feed;
        _logger = logger;
    }

    public void Dispose() => _feed.CloseLog();

    public ValueTask<string> CreateStreamAsync(MemoryStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stream = new ChangeStream(NextId("stream"), options ?? new MemoryStreamOptions());
        _streams[stream.Id] = stream;
        _feed.AddStream(stream);
        return new(stream.Id);
    }

    public ValueTask<bool> DeleteStreamAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_streams.TryRemove(streamId, out var stream))
        {
            return new(false);
        }

        _feed.RemoveStream(stream);
        return new(true);
    }

    public ValueTask<IMemoryChangeSubscription> SubscribeAsync(string streamId, MemorySubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(Attach(streamId, options));
    }

    public ValueTask<string> SubscribeAsync(string streamId, Func<MemoryChange, CancellationToken, ValueTask> handler, MemorySubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        cancellationToken.ThrowIfCancellationRequested();
        var subscription = Attach(streamId, options);
        var pump = new HandlerSubscription(subscription, handler, _logger);
        _handlers[subscription.Id] = pump;
        pump.Start();
        return new(subscription.Id);
    }

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

        return true;
    }

    public ValueTask<long> PublishAsync(string key, MemoryChangeType changeType, ReadOnlyMemory<byte>? oldValue = null, ReadOnlyMemory<byte>? newValue = null, IReadOnlyDictionary<string, MetadataValue>? metadata = null, CancellationToken cancellationToken = default)
    {
        KeyRules.ValidateForWrite(key);
        if (!Enum.IsDefined(changeType))
        {
            throw new ArgumentException($"The change type {(int)changeType} is not a defined MemoryChangeType.", nameof(changeType));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var copy = metadata is null ? null : new Dictionary<string, MetadataValue>(metadata, StringComparer.Ordinal).AsReadOnly();
        return new(_feed.Publish(key, changeType, Copy(oldValue), Copy(newValue), copy));
    }

    public ValueTask<MemoryStreamMetrics?> GetStreamMetricsAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_streams.TryGetValue(streamId, out var stream))
        {
            return new((MemoryStreamMetrics?)null);
        }

        return new(new MemoryStreamMetrics
        {
            StreamId = stream.Id,
            Name = stream.Name,
            Subscribers = stream.Subscriptions.Length,
            Published = stream.Published,
            Delivered = stream.Delivered,
            Dropped = stream.Dropped,
            Lag = stream.Lag(),
            LastSequence = _feed.LastSequence,
        });
    }

    public ValueTask<IReadOnlyList<MemoryChange>> ReplayAsync(string streamId, DateTimeOffset from, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
    {
        if (to < from)
        {
            throw new ArgumentException($"The end of the replay range ({to:O}) is before its start ({from:O}).", nameof(to));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new(_feed.Replay(GetStream(streamId), from, to ?? DateTimeOffset.MaxValue));
    }

    private ChangeSubscription Attach(string streamId, MemorySubscriptionOptions? options)
    {
        options ??= new MemorySubscriptionOptions();
        Validate(options);
        var subscription = _feed.Subscribe(NextId("sub"), GetStream(streamId), options);
        _subscriptions[subscription.Id] = subscription;
        subscription.Detached = Forget;
        return subscription;
    }

    private void Forget(ChangeSubscription subscription)
    {
        _subscriptions.TryRemove(subscription.Id, out _);
        _handlers.TryRemove(subscription.Id, out _);
    }

    private ChangeStream GetStream(string streamId)
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

    // A copy, so the caller can reuse its buffer; null stays null (an array conversion would turn it into empty memory).
    private static ReadOnlyMemory<byte>? Copy(ReadOnlyMemory<byte>? value) =>
        value is { } bytes ? new ReadOnlyMemory<byte>(bytes.ToArray()) : (ReadOnlyMemory<byte>?)null;

    private string NextId(string prefix) => $"{prefix}-{Interlocked.Increment(ref _nextId)}";
}
