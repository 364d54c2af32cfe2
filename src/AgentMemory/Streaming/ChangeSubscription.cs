namespace AgentMemory.Streaming;

/// <summary>
/// One subscriber's bounded buffer. The feed offers changes under its lock (one writer at a time); one consumer
/// takes them. Replayed changes are handed over as a snapshot taken under the feed's lock at subscription, so
/// replay and live changes meet without gap or duplicate.
/// </summary>
internal sealed class ChangeSubscription : IMemoryChangeSubscription
{
    private const int Active = 0;
    private const int Completed = 1;
    private const int Faulted = 2;

    private readonly object _gate = new();
    private readonly Queue<MemoryChange> _buffer = new();
    private readonly ChangeFeed _feed;
    private readonly int _capacity;
    private readonly StreamOverflowPolicy _policy;
    private readonly TimeSpan _blockTimeout;
    private readonly long _skipBelow;
    private MemoryChange[] _replay;
    private int _replayIndex;
    private TaskCompletionSource? _waiter;
    private int _state;
    private Exception? _fault;
    private int _enumerated;
    private int _detached;

    public ChangeSubscription(string id, ChangeStream stream, ChangeFeed feed, MemorySubscriptionOptions options, MemoryChange[] replay, long skipBelow)
    {
        Id = id;
        Stream = stream;
        _feed = feed;
        _capacity = options.BufferCapacity;
        _policy = options.OverflowPolicy;
        _blockTimeout = options.BlockTimeout;
        _replay = replay;
        _skipBelow = skipBelow;
    }

    public string Id { get; }

    public string StreamId => Stream.Id;

    public ChangeStream Stream { get; }

    /// <summary>Changes waiting for the consumer (replayed ones included).</summary>
    public int Buffered
    {
        get
        {
            lock (_gate)
            {
                return _buffer.Count + (_replay.Length - _replayIndex);
            }
        }
    }

    /// <summary>Called once, after the subscription detached (the service forgets it then).</summary>
    public Action<ChangeSubscription>? Detached { get; set; }

    /// <summary>True once the subscription was disposed, completed or failed.</summary>
    public bool IsClosed => Volatile.Read(ref _state) != Active;

    /// <summary>Offers a live change. Called under the feed's lock, in sequence order.</summary>
    /// <returns>False when the subscription failed on this change and must be detached.</returns>
    public bool Offer(MemoryChange change)
    {
        if (change.Sequence < _skipBelow)
        {
            return true;
        }

        TaskCompletionSource? wake;
        var ok = true;
        lock (_gate)
        {
            if (_state != Active)
            {
                return true;
            }

            if (_buffer.Count >= _capacity)
            {
                switch (_policy)
                {
                    case StreamOverflowPolicy.DropOldest:
                        _buffer.Dequeue();
                        Stream.CountDropped();
                        break;
                    case StreamOverflowPolicy.BlockWriter when WaitForRoomLocked():
                        break;
                    default:
                        FailLocked(change.Sequence);
                        ok = false;
                        break;
                }
            }

            if (ok)
            {
                _buffer.Enqueue(change);
            }

            wake = _waiter;
            _waiter = null;
        }

        wake?.TrySetResult();
        return ok;
    }

    /// <summary>Ends the subscription normally (its stream was deleted): the consumer drains the buffer and stops.</summary>
    public void Complete() => Close(Completed, clear: false);

    public IAsyncEnumerator<MemoryChange> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException($"The subscription '{Id}' is already being enumerated; a subscription can be enumerated once.");
        }

        return ReadAllAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Detach();
        return default;
    }

    /// <summary>Detaches from the feed and frees the buffer. Idempotent.</summary>
    /// <returns>True on the first call.</returns>
    public bool Detach()
    {
        if (Interlocked.Exchange(ref _detached, 1) != 0)
        {
            return false;
        }

        _feed.Detach(this);
        Close(Completed, clear: true);
        Detached?.Invoke(this);
        return true;
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

    /// <summary>The next change; or a task to wait on when none is buffered; or neither when the subscription ended.</summary>
    /// <exception cref="MemoryStreamException">The subscription failed and its buffer is drained.</exception>
    private (MemoryChange? Change, Task? Wait) Take()
    {
        lock (_gate)
        {
            if (_replayIndex < _replay.Length)
            {
                var replayed = _replay[_replayIndex];
                _replay[_replayIndex++] = null!;
                return (replayed, null);
            }

            if (_buffer.TryDequeue(out var change))
            {
                if (_policy == StreamOverflowPolicy.BlockWriter)
                {
                    Monitor.PulseAll(_gate);
                }

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

    /// <summary>Waits (holding the feed's lock, releasing this one) until the consumer frees a slot or the timeout passes.</summary>
    private bool WaitForRoomLocked()
    {
        using var timeout = new CancellationTokenSource(_blockTimeout, _feed.Time);
        var registration = timeout.Token.Register(
            static state =>
            {
                var self = (ChangeSubscription)state!;
                lock (self._gate)
                {
                    Monitor.PulseAll(self._gate);
                }
            },
            this);
        try
        {
            while (_buffer.Count >= _capacity && _state == Active && !timeout.IsCancellationRequested)
            {
                Monitor.Wait(_gate);
            }
        }
        finally
        {
            // Unregister does not wait for a running callback (which may be waiting for this lock); Dispose would.
            registration.Unregister();
        }

        return _state == Active && _buffer.Count < _capacity;
    }

    private void FailLocked(long sequence)
    {
        _state = Faulted;
        _fault = new MemoryStreamException(
            $"The subscription '{Id}' to stream '{StreamId}' failed at change {sequence}: its buffer of {_capacity} changes was full ({_policy}). " +
            "Read faster, raise BufferCapacity, or use StreamOverflowPolicy.DropOldest.");
        Monitor.PulseAll(_gate);
    }

    private void Close(int state, bool clear)
    {
        TaskCompletionSource? wake;
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
                _replay = [];
                _replayIndex = 0;
            }

            wake = _waiter;
            _waiter = null;
            Monitor.PulseAll(_gate);
        }

        wake?.TrySetResult();
    }
}
