using System.Globalization;

namespace AgentMemory.Requests;

/// <summary>
/// The in-process <see cref="IMemoryRequests"/>: a <see cref="PriorityAgingQueue"/> under one lock, worked by a
/// fixed number of background workers that call an <see cref="IMemoryRequestHandler"/>. Retries wait out their
/// backoff on a timer of the injected <see cref="TimeProvider"/>. Thread-safe.
/// </summary>
/// <remarks>
/// Hot-path shape (see docs/benchmarks.md): a worker finishes one request and takes the next under a single lock
/// acquisition and keeps going while requests are ready; only a worker that found the queue empty parks on the
/// semaphore, and a producer signals only when a worker is parked. Each worker reuses one cancellation source across
/// attempts (reset after each), ids are a per-queue random prefix plus a counter, and waiting for a response with
/// no cancellation token returns the completion task without an async state machine.
/// </remarks>
internal sealed class MemoryRequestQueue : IMemoryRequests, IAsyncDisposable, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RequestItem> _requests = new(StringComparer.Ordinal);
    private readonly Queue<RequestItem> _finished = new();
    private readonly PriorityAgingQueue _queue;
    private readonly RequestMetricsRecorder _metrics;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly IMemoryRequestHandler _handler;
    private readonly TimeProvider _time;
    private readonly ITimer _retryTimer;
    private readonly int _defaultMaxAttempts;
    private readonly long _retryDelayTicks;
    private readonly long _maxRetryDelayTicks;
    private readonly int _maxFinished;
    private readonly string _idPrefix = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64())) + "-";
    private readonly Task[] _workers;
    private long _nextId;
    private int _running;
    private int _parked;
    private bool _disposed;

    public MemoryRequestQueue(IMemoryRequestHandler handler, MemoryRequestsOptions options, TimeProvider time)
    {
        _handler = handler;
        _time = time;
        _queue = new PriorityAgingQueue(options.AgingInterval);
        _metrics = new RequestMetricsRecorder(options.MaxMetricsSamples, options.MetricsRetention);
        _defaultMaxAttempts = options.MaxAttempts;
        _retryDelayTicks = options.RetryDelay.Ticks;
        _maxRetryDelayTicks = options.MaxRetryDelay.Ticks;
        _maxFinished = options.MaxFinishedRequests;
        _retryTimer = time.CreateTimer(static state => ((MemoryRequestQueue)state!).OnRetryTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _workers = new Task[options.WorkerCount];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = Task.Run(WorkAsync);
        }
    }

    public ValueTask<string> EnqueueAsync(string operation, ReadOnlyMemory<byte> payload, MemoryRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        options ??= new MemoryRequestOptions();
        if (!Enum.IsDefined(options.Priority))
        {
            throw new ArgumentException($"MemoryRequestOptions.Priority {(int)options.Priority} is not a defined MemoryPriority.", nameof(options));
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxAttempts, "MemoryRequestOptions.MaxAttempts must be between 1 and 100, or null for the queue's default.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var request = new MemoryRequest
        {
            Id = NextId(),
            Operation = operation,
            Payload = payload.ToArray(),
            Priority = options.Priority,
            Metadata = options.Metadata is null ? null : new Dictionary<string, MetadataValue>(options.Metadata, StringComparer.Ordinal).AsReadOnly(),
            EnqueuedAt = now,
        };
        bool wake;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var item = new RequestItem(request, options.MaxAttempts ?? _defaultMaxAttempts, 0);
            _requests.Add(request.Id, item);
            _queue.AddReady(item, now.UtcTicks);
            wake = UnparkLocked(1) > 0;
        }

        if (wake)
        {
            _signal.Release();
        }

        return new(request.Id);
    }

    public ValueTask<MemoryResponse> WaitForResponseAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        Task<MemoryResponse> completion;
        lock (_gate)
        {
            completion = _requests.TryGetValue(requestId, out var item)
                ? item.Completion.Task
                : throw new MemoryRequestException($"There is no request '{requestId}' (never queued, or finished long enough ago to be forgotten).");
        }

        return cancellationToken.CanBeCanceled && !completion.IsCompleted
            ? new(completion.WaitAsync(cancellationToken))
            : new(completion);
    }

    public ValueTask<MemoryRequestInfo?> GetStatusAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return new(_requests.TryGetValue(requestId, out var item) ? item.ToInfo() : null);
        }
    }

    public ValueTask<bool> CancelAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        CancellationTokenSource? running = null;
        lock (_gate)
        {
            if (!_requests.TryGetValue(requestId, out var item))
            {
                return new(false);
            }

            switch (item.Status)
            {
                case MemoryRequestStatus.Queued:
                    _queue.Remove(item);
                    FinishLocked(item, MemoryRequestStatus.Cancelled, _time.GetUtcNow());
                    item.Completion.TrySetCanceled(CancellationToken.None);
                    return new(true);
                case MemoryRequestStatus.Running:
                    item.CancelRequested = true;
                    running = item.Running;
                    break;
                default:
                    return new(false);
            }

            // Cancel under the lock: the worker disposes the source only after clearing item.Running under it.
            running?.Cancel();
        }

        return new(true);
    }

    public ValueTask<IReadOnlyList<MemoryRequestInfo>> GetPendingAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return new(_queue.Snapshot(_time.GetUtcNow().UtcTicks, limit).Select(i => i.ToInfo()).ToList());
        }
    }

    public ValueTask<MemoryRequestMetrics> GetMetricsAsync(TimeSpan window, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        int queued, running;
        lock (_gate)
        {
            queued = _queue.ReadyCount + _requests.Values.Count(i => i.Status == MemoryRequestStatus.Queued && i.NextAttemptAt is not null);
            running = _running;
        }

        return new(_metrics.Compute(_time.GetUtcNow().UtcTicks, window, queued, running));
    }

    public ValueTask<bool> RetryAsync(string requestId, int maxAttempts = 3, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        cancellationToken.ThrowIfCancellationRequested();
        bool wake;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_requests.TryGetValue(requestId, out var item) || item.Status is not (MemoryRequestStatus.Failed or MemoryRequestStatus.Cancelled))
            {
                return new(false);
            }

            item.Status = MemoryRequestStatus.Queued;
            item.Attempts = 0;
            item.MaxAttempts = maxAttempts;
            item.FinishedAt = null;
            item.CancelRequested = false;
            item.Completion = RequestItem.NewCompletion();
            _queue.AddReady(item, _time.GetUtcNow().UtcTicks);
            wake = UnparkLocked(1) > 0;
        }

        if (wake)
        {
            _signal.Release();
        }

        return new(true);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Shutdown())
        {
            return;
        }

        await Task.WhenAll(_workers).ConfigureAwait(false);
        _signal.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private bool Shutdown()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            _disposed = true;
            _retryTimer.Dispose();
            var now = _time.GetUtcNow();
            foreach (var item in _requests.Values.ToList())
            {
                if (item.Status == MemoryRequestStatus.Queued)
                {
                    _queue.Remove(item);
                    FinishLocked(item, MemoryRequestStatus.Cancelled, now);
                    item.Completion.TrySetCanceled(CancellationToken.None);
                }
                else if (item.Status == MemoryRequestStatus.Running)
                {
                    // Stop the running handlers; their attempts end as cancelled and are not retried.
                    item.Running?.Cancel();
                }
            }
        }

        // Wake every worker (parked or about to park) so each sees the queue is closed.
        _signal.Release(_workers.Length);
        return true;
    }

    /// <summary>Claims up to <paramref name="count"/> parked workers to wake; the caller releases the semaphore that many times after leaving the lock.</summary>
    private int UnparkLocked(int count)
    {
        var wake = Math.Min(count, _parked);
        _parked -= wake;
        return wake;
    }

    private async Task WorkAsync()
    {
        var attempt = new CancellationTokenSource();
        RequestItem? done = null;
        Outcome outcome = default;
        try
        {
            while (true)
            {
                RequestItem? item;
                lock (_gate)
                {
                    var now = _time.GetUtcNow();
                    if (done is not null)
                    {
                        CompleteLocked(done, outcome, now);
                        done = null;
                        if (!attempt.TryReset())
                        {
                            attempt.Dispose();
                            attempt = new CancellationTokenSource();
                        }
                    }

                    if (_disposed)
                    {
                        return;
                    }

                    item = StartNextLocked(attempt, now);
                    if (item is null)
                    {
                        _parked++;
                    }
                }

                if (item is null)
                {
                    await _signal.WaitAsync().ConfigureAwait(false);
                    continue;
                }

                outcome = await InvokeAsync(item, attempt.Token).ConfigureAwait(false);
                done = item;
            }
        }
        finally
        {
            attempt.Dispose();
        }
    }

    /// <summary>Takes the next ready request and marks it running under <paramref name="attempt"/>; null when none is ready.</summary>
    private RequestItem? StartNextLocked(CancellationTokenSource attempt, DateTimeOffset now)
    {
        var item = _queue.TryTake(now.UtcTicks);
        if (item is null)
        {
            return null;
        }

        item.Status = MemoryRequestStatus.Running;
        item.Attempts++;
        item.StartedAt = now;
        item.Running = attempt;
        _running++;
        return item;
    }

    private async ValueTask<Outcome> InvokeAsync(RequestItem item, CancellationToken token)
    {
        try
        {
            return new Outcome(await _handler.HandleAsync(item.Request, token).ConfigureAwait(false), null, false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return new Outcome(default, null, true);
        }
        catch (Exception ex)
        {
            return new Outcome(default, ex, false);
        }
    }

    /// <summary>Records how an attempt ended: completes, fails, cancels, or schedules a retry.</summary>
    private void CompleteLocked(RequestItem item, Outcome outcome, DateTimeOffset now)
    {
        _running--;
        item.Running = null;
        if (outcome.Cancelled)
        {
            FinishLocked(item, MemoryRequestStatus.Cancelled, now);
            item.Completion.TrySetCanceled(CancellationToken.None);
        }
        else if (outcome.Error is not { } error)
        {
            FinishLocked(item, MemoryRequestStatus.Completed, now);
            item.Completion.TrySetResult(new MemoryResponse { RequestId = item.Id, Data = outcome.Data, Metadata = ResponseCodec.NoMetadata, CreatedAt = now });
        }
        else
        {
            item.Error = error.Message;
            if (item.Attempts < item.MaxAttempts && !item.CancelRequested && !_disposed)
            {
                item.Status = MemoryRequestStatus.Queued;
                _queue.AddDelayed(item, now + TimeSpan.FromTicks(RetryDelayTicks(item.Attempts)));
                ArmRetryTimerLocked(now.UtcTicks);
                _metrics.Record(now.UtcTicks, RequestMetricsRecorder.Outcome.Retried);
            }
            else
            {
                FinishLocked(item, MemoryRequestStatus.Failed, now);
                item.Completion.TrySetException(new MemoryRequestException(
                    $"The request '{item.Id}' ({item.Request.Operation}) failed after {item.Attempts} attempt(s): {error.Message}", error));
            }
        }
    }

    private string NextId() => string.Concat(_idPrefix, Interlocked.Increment(ref _nextId).ToString("x", CultureInfo.InvariantCulture));

    /// <summary>Backoff before the attempt after <paramref name="attempts"/>: RetryDelay x 2^(attempts-1), capped.</summary>
    private long RetryDelayTicks(int attempts)
    {
        var delay = _retryDelayTicks;
        for (var i = 1; i < attempts && delay < _maxRetryDelayTicks; i++)
        {
            delay *= 2;
        }

        return Math.Min(delay, _maxRetryDelayTicks);
    }

    private void FinishLocked(RequestItem item, MemoryRequestStatus status, DateTimeOffset now)
    {
        item.Status = status;
        item.FinishedAt = now;
        item.NextAttemptAt = null;
        var outcome = status switch
        {
            MemoryRequestStatus.Completed => RequestMetricsRecorder.Outcome.Completed,
            MemoryRequestStatus.Failed => RequestMetricsRecorder.Outcome.Failed,
            _ => RequestMetricsRecorder.Outcome.Cancelled,
        };
        _metrics.Record(now.UtcTicks, outcome, now.UtcTicks - item.Request.EnqueuedAt.UtcTicks);
        _finished.Enqueue(item);
        while (_finished.Count > _maxFinished)
        {
            var old = _finished.Dequeue();
            if (old.Status is MemoryRequestStatus.Completed or MemoryRequestStatus.Failed or MemoryRequestStatus.Cancelled)
            {
                _requests.Remove(old.Id);
            }
        }
    }

    private void ArmRetryTimerLocked(long nowTicks)
    {
        if (_queue.NextDueTicks is { } due)
        {
            _retryTimer.Change(TimeSpan.FromTicks(Math.Max(0, due - nowTicks)), Timeout.InfiniteTimeSpan);
        }
    }

    private void OnRetryTimer()
    {
        int promoted;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = _time.GetUtcNow().UtcTicks;
            promoted = UnparkLocked(_queue.PromoteDue(now));
            ArmRetryTimerLocked(now);
        }

        if (promoted > 0)
        {
            _signal.Release(promoted);
        }
    }

    private readonly record struct Outcome(ReadOnlyMemory<byte> Data, Exception? Error, bool Cancelled);
}
