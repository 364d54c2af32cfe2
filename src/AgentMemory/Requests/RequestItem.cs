namespace AgentMemory.Requests;

/// <summary>A request's mutable state inside the queue. Every field is guarded by the queue's lock.</summary>
internal sealed class RequestItem
{
    public RequestItem(MemoryRequest request, int maxAttempts, long order)
    {
        Request = request;
        MaxAttempts = maxAttempts;
        Order = order;
        ReadyTicks = request.EnqueuedAt.UtcTicks;
    }

    public MemoryRequest Request { get; }

    public string Id => Request.Id;

    public int Priority => (int)Request.Priority;

    /// <summary>Tie-breaker: the order in which requests (re-)entered the ready queues.</summary>
    public long Order { get; set; }

    /// <summary>When the request last became ready to run; aging counts from here.</summary>
    public long ReadyTicks { get; set; }

    public MemoryRequestStatus Status { get; set; } = MemoryRequestStatus.Queued;

    public int Attempts { get; set; }

    public int MaxAttempts { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Set while the request waits out a retry backoff (it is then in the delayed set, not a ready queue).</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    public string? Error { get; set; }

    /// <summary>Set when a running request was asked to cancel: it is not retried.</summary>
    public bool CancelRequested { get; set; }

    /// <summary>Whether it is in its priority's ready queue (as the entry carrying its current <see cref="Order"/>).</summary>
    public bool InReady { get; set; }

    /// <summary>Cancels the running attempt's handler.</summary>
    public CancellationTokenSource? Running { get; set; }

    public TaskCompletionSource<MemoryResponse> Completion { get; set; } = NewCompletion();

    public static TaskCompletionSource<MemoryResponse> NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MemoryRequestInfo ToInfo() => new()
    {
        Request = Request,
        Status = Status,
        Attempts = Attempts,
        MaxAttempts = MaxAttempts,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        NextAttemptAt = NextAttemptAt,
        Error = Error,
    };
}
