namespace AgentMemory;

/// <summary>Request processing over a time window, as returned by <see cref="IMemoryRequests.GetMetricsAsync"/>.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MemoryRequestMetrics
{
    /// <summary>The window the counters cover, ending when they were computed.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>Requests that completed in the window.</summary>
    public long Completed { get; init; }

    /// <summary>Requests that failed for good (all attempts used) in the window.</summary>
    public long Failed { get; init; }

    /// <summary>Requests cancelled in the window.</summary>
    public long Cancelled { get; init; }

    /// <summary>Failed attempts that were scheduled for a retry in the window.</summary>
    public long Retries { get; init; }

    /// <summary>Completed requests per second over the window.</summary>
    public double ThroughputPerSecond { get; init; }

    /// <summary>Median time from queuing to completion of the requests completed in the window; zero when none.</summary>
    public TimeSpan LatencyP50 { get; init; }

    /// <summary>95th percentile of that latency.</summary>
    public TimeSpan LatencyP95 { get; init; }

    /// <summary>99th percentile of that latency.</summary>
    public TimeSpan LatencyP99 { get; init; }

    /// <summary>Requests queued now (including those waiting for a retry).</summary>
    public int Queued { get; init; }

    /// <summary>Requests running now.</summary>
    public int Running { get; init; }
}
