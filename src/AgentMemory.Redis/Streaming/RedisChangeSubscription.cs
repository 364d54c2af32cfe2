using AgentMemory.Redis.Connection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentMemory.Redis.Streaming;

/// <summary>
/// One subscriber: a pump that reads the shared Redis change log from its own position (woken by the notify channel,
/// with a poll as fallback), filters it through its stream and fills a bounded buffer that one consumer drains.
/// </summary>
/// <remarks>
/// Each subscription keeps its own position (a stream entry id), so replay and live reading are one loop over the log
/// and meet without gap or duplicate. Replayed entries (those present when it subscribed) wait for buffer room and are
/// never dropped; later ones follow the overflow policy. When Redis fails the pump keeps its position and retries, so
/// a restarted server resumes the subscription where it stopped. Thread-safe as <see cref="IMemoryChangeSubscription"/> says.
/// </remarks>
internal sealed class RedisChangeSubscription : IMemoryChangeSubscription
{
    private const int Active = 0;
    private const int Completed = 1;
    private const int Faulted = 2;

    private readonly object _gate = new();
    private readonly Queue<MemoryChange> _buffer = new();
    private readonly RedisChangeLog _log;
    private readonly AsyncSignal _changed;
    private readonly AsyncSignal _room = new();
    private readonly AsyncSignal _progress = new();
    private readonly AsyncSignal _blocked = new();
    private readonly SubscriptionStart _start;
    private readonly int _capacity;
    private readonly StreamOverflowPolicy _policy;
    private readonly TimeSpan _blockTimeout;
    private readonly TimeProvider _time;
    private readonly int _batch;
    private readonly TimeSpan _poll;
    private readonly ILogger _logger;
    private readonly Action<RedisChangeSubscription> _detached;
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask;
    private TaskCompletionSource? _waiter;
    private int _state;
    private Exception? _fault;
    private int _enumerated;
    private int _detachedFlag;
    private long _processedSequence;
    private volatile bool _isBlocked;

    public RedisChangeSubscription(
        string id,
        RedisChangeStream stream,
        RedisChangeLog log,
        AsyncSignal changed,
        MemorySubscriptionOptions options,
        SubscriptionStart start,
        RedisStreamingOptions settings,
        TimeProvider time,
        ILogger logger,
        Action<RedisChangeSubscription> detached)
    {
        Id = id;
        Stream = stream;
        _log = log;
        _changed = changed;
        _start = start;
        _capacity = options.BufferCapacity;
        _policy = options.OverflowPolicy;
        _blockTimeout = options.BlockTimeout;
        _time = time;
        _batch = settings.ReadBatchSize;
        _poll = settings.PollInterval;
        _logger = logger;
        _detached = detached;
    }

    public string Id { get; }

    public string StreamId => Stream.Id;

    public RedisChangeStream Stream { get; }

    /// <summary>Changes waiting for the consumer.</summary>
    public int Buffered
    {
        get
        {
            lock (_gate)
            {
                return _buffer.Count;
            }
        }
    }

    /// <summary>The sequence number of the newest change the pump has read (matching or not); for tests and diagnostics.</summary>
    internal long ProcessedSequence => Volatile.Read(ref _processedSequence);

    /// <summary>Completes after the pump's next read round; take it before checking <see cref="ProcessedSequence"/>.</summary>
    internal Task Progress => _progress.Current;

    /// <summary>Whether the pump is waiting for buffer room under <see cref="StreamOverflowPolicy.BlockWriter"/> with its timeout timer set; for tests.</summary>
    internal bool IsBlocked => _isBlocked;

    /// <summary>Completes when the pump next starts waiting for room; take it before checking <see cref="IsBlocked"/>.</summary>
    internal Task Blocked => _blocked.Current;

    public void Start() => _pump = Task.Run(PumpAsync);

    public IAsyncEnumerator<MemoryChange> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException($"The subscription '{Id}' is already being enumerated; a subscription can be enumerated once.");
        }

        return ReadAllAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Detach();
        await StopPumpAsync().ConfigureAwait(false);
    }

    /// <summary>Detaches and frees the buffer; the pump stops. Idempotent.</summary>
    /// <returns>True on the first call.</returns>
    public bool Detach()
    {
        if (Interlocked.Exchange(ref _detachedFlag, 1) != 0)
        {
            return false;
        }

        _stop.Cancel();
        Stream.Subscriptions.TryRemove(Id, out _);
        Close(Completed, clear: true);
        _detached(this);
        return true;
    }

    /// <summary>Ends the subscription normally (its stream was deleted): the consumer drains the buffer and stops.</summary>
    public void Complete()
    {
        _stop.Cancel();
        Stream.Subscriptions.TryRemove(Id, out _);
        Close(Completed, clear: false);
    }

    /// <summary>Waits for the pump to stop after <see cref="Detach"/> or <see cref="Complete"/>.</summary>
    public async ValueTask StopPumpAsync()
    {
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task PumpAsync()
    {
        var token = _stop.Token;
        var position = _start.Position;
        var inclusive = _start.Inclusive;
        var failing = false;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var wake = _changed.Current;
                StreamEntry[] page;
                try
                {
                    page = await _log.ReadAsync(position, inclusive, _batch).ConfigureAwait(false);
                    if (failing)
                    {
                        RedisStreamingLog.SubscriptionResumed(_logger, Id, position.ToString());
                        failing = false;
                    }
                }
                catch (MemoryStreamException ex)
                {
                    if (!failing)
                    {
                        RedisStreamingLog.SubscriptionReadFailed(_logger, ex, Id, position.ToString());
                        failing = true;
                    }

                    await SleepAsync(wake, token).ConfigureAwait(false);
                    continue;
                }

                foreach (var entry in page)
                {
                    var id = StreamEntryId.Parse(entry.Id!);
                    position = id;
                    inclusive = false;
                    var change = RedisChangeRecord.Decode(entry, out var problem);
                    if (change is null)
                    {
                        RedisStreamingLog.MalformedRecord(_logger, entry.Id!, problem!);
                        continue;
                    }

                    Volatile.Write(ref _processedSequence, change.Sequence);
                    var replaying = id <= _start.ReplayThrough;
                    if (change.Sequence < _start.SkipBelow
                        || (replaying && change.Timestamp < _start.FromTimestamp)
                        || !Stream.Matches(change))
                    {
                        continue;
                    }

                    Stream.CountPublished(change.Sequence);
                    if (!await OfferAsync(change, replaying, token).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                _progress.Set();
                if (page.Length < _batch)
                {
                    await SleepAsync(wake, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Detached or completed.
        }
        catch (Exception ex)
        {
            Fail(new MemoryStreamException($"The subscription '{Id}' to stream '{StreamId}' stopped reading the Redis change log: {ex.Message}", ex));
        }
        finally
        {
            _progress.Set();
        }
    }

    private async Task SleepAsync(Task wake, CancellationToken token)
    {
        try
        {
            await wake.WaitAsync(_poll, _time, token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Poll: look again even without a notification.
        }
    }

    /// <returns>False when the subscription ended (failed on this change, or was closed) and the pump must stop.</returns>
    private async ValueTask<bool> OfferAsync(MemoryChange change, bool replaying, CancellationToken token)
    {
        DateTimeOffset? blockDeadline = null;
        while (true)
        {
            Task room;
            TaskCompletionSource? wake;
            lock (_gate)
            {
                if (_state != Active)
                {
                    return false;
                }

                // Once the block timeout has passed the subscription fails, even if the reader freed a slot meanwhile.
                if (blockDeadline is { } deadline && _time.GetUtcNow() >= deadline)
                {
                    FailLocked(change.Sequence);
                    return false;
                }

                if (_buffer.Count >= _capacity && !replaying && _policy == StreamOverflowPolicy.DropOldest)
                {
                    _buffer.Dequeue();
                    Stream.CountDropped();
                }

                if (_buffer.Count < _capacity)
                {
                    _buffer.Enqueue(change);
                    wake = _waiter;
                    _waiter = null;
                    wake?.TrySetResult();
                    return true;
                }

                if (!replaying && _policy == StreamOverflowPolicy.FailSubscription)
                {
                    FailLocked(change.Sequence);
                    return false;
                }

                room = _room.Current;
            }

            if (replaying)
            {
                await room.WaitAsync(token).ConfigureAwait(false);
                continue;
            }

            // BlockWriter: the pump (this subscription's reader; Redis writers never wait) waits for room up to the timeout.
            var now = _time.GetUtcNow();
            blockDeadline ??= now + _blockTimeout;
            var remaining = blockDeadline.Value - now;
            if (remaining <= TimeSpan.Zero)
            {
                continue;
            }

            var waiting = room.WaitAsync(remaining, _time, token);
            _isBlocked = true;
            _blocked.Set();
            try
            {
                await waiting.ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Look once more: the deadline has passed, so the subscription fails.
            }
            finally
            {
                _isBlocked = false;
            }
        }
    }

    private async IAsyncEnumerator<MemoryChange> ReadAllAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (change, wait) = Take();
                if (change is not null)
                {
                    Stream.CountDelivered();
                    yield return change;
                }
                else if (wait is not null)
                {
                    await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    yield break;
                }
            }
        }
        finally
        {
            Detach();
        }
    }

    private (MemoryChange? Change, Task? Wait) Take()
    {
        lock (_gate)
        {
            if (_buffer.TryDequeue(out var change))
            {
                _room.Set();
                return (change, null);
            }

            switch (_state)
            {
                case Faulted:
                    throw _fault!;
                case Completed:
                    return (null, null);
                default:
                    _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    return (null, _waiter.Task);
            }
        }
    }

    private void Fail(MemoryStreamException fault)
    {
        lock (_gate)
        {
            if (_state != Active)
            {
                return;
            }

            _state = Faulted;
            _fault = fault;
            WakeLocked();
        }

        Stream.Subscriptions.TryRemove(Id, out _);
    }

    private void FailLocked(long sequence)
    {
        _state = Faulted;
        _fault = new MemoryStreamException(
            $"The subscription '{Id}' to stream '{StreamId}' failed at change {sequence}: its buffer of {_capacity} changes was full ({_policy}). " +
            "Read faster, raise BufferCapacity, or use StreamOverflowPolicy.DropOldest.");
        WakeLocked();
        Stream.Subscriptions.TryRemove(Id, out _);
    }

    private void WakeLocked()
    {
        var wake = _waiter;
        _waiter = null;
        wake?.TrySetResult();
    }

    private void Close(int state, bool clear)
    {
        lock (_gate)
        {
            if (_state == Active)
            {
                _state = state;
            }

            if (clear)
            {
                _buffer.Clear();
                _buffer.TrimExcess();
            }

            WakeLocked();
        }

        _room.Set();
    }
}
