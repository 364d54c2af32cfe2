namespace AgentMemory;

/// <summary>A snapshot of a request's state, as returned by <see cref="IMemoryRequests.GetStatusAsync"/> and <see cref="IMemoryRequests.GetPendingAsync"/>.</summary>
/// <remarks>Immutable and thread-safe; it does not change when the request moves on.</remarks>
public sealed record MemoryRequestInfo
{
    /// <summary>The request.</summary>
    public required MemoryRequest Request { get; init; }

    /// <summary>Its status when the snapshot was taken.</summary>
    public required MemoryRequestStatus Status { get; init; }

    /// <summary>How many times the handler has been started for it.</summary>
    public int Attempts { get; init; }

    /// <summary>How many attempts it is allowed.</summary>
    public int MaxAttempts { get; init; }

    /// <summary>When its latest attempt started, if any.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it completed, failed or was cancelled, if it has.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When a queued retry becomes eligible to run (after its backoff), if it is waiting for one.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The message of the latest failure, if any.</summary>
    public string? Error { get; init; }
}
