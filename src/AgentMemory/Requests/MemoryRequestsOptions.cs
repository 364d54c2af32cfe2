namespace AgentMemory.Requests;

/// <summary>Settings of the request queue: workers, retries, aging and metrics.</summary>
/// <remarks>A plain mutable settings class, copied when the queue is created. Not thread-safe to mutate meanwhile.</remarks>
public sealed class MemoryRequestsOptions
{
    /// <summary>How many requests run at once. Default 2; 1 to 1024.</summary>
    public int WorkerCount { get; set; } = 2;

    /// <summary>Attempts a request gets unless it says otherwise (1 = no retry). Default 3; 1 to 100.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the first retry; each further retry waits twice as long, up to <see cref="MaxRetryDelay"/>. Default one second; positive.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts. Default one minute; at least <see cref="RetryDelay"/>.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Every this much time a request waits, it counts as one priority level higher when workers choose the next
    /// request (up to critical), so low priority requests are not starved. Default 30 seconds; null for no aging.
    /// </summary>
    public TimeSpan? AgingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far back metrics can look. Default 24 hours; positive.</summary>
    public TimeSpan MetricsRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The most outcomes kept for metrics (the oldest are dropped first). Default 100,000; at least 1.</summary>
    public int MaxMetricsSamples { get; set; } = 100_000;

    /// <summary>The most finished requests whose status is kept for <see cref="IMemoryRequests.GetStatusAsync"/> (oldest forgotten first). Default 10,000; at least 1.</summary>
    public int MaxFinishedRequests { get; set; } = 10_000;

    /// <summary>Lists what is wrong with these settings, naming each bad option; empty when they are valid.</summary>
    /// <param name="prefix">How to name the options in messages.</param>
    /// <returns>The problems found.</returns>
    public IReadOnlyList<string> Validate(string prefix = nameof(MemoryRequestsOptions))
    {
        var errors = new List<string>();
        if (WorkerCount is < 1 or > 1024)
        {
            errors.Add($"{prefix}.{nameof(WorkerCount)} must be between 1 and 1024; it is {WorkerCount}.");
        }

        if (MaxAttempts is < 1 or > 100)
        {
            errors.Add($"{prefix}.{nameof(MaxAttempts)} must be between 1 and 100; it is {MaxAttempts}.");
        }

        if (RetryDelay <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}.{nameof(RetryDelay)} must be positive; it is {RetryDelay}.");
        }

        if (MaxRetryDelay < RetryDelay)
        {
            errors.Add($"{prefix}.{nameof(MaxRetryDelay)} must be at least RetryDelay ({RetryDelay}); it is {MaxRetryDelay}.");
        }

        if (AgingInterval is { } aging && aging <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}.{nameof(AgingInterval)} must be positive, or null for no aging; it is {aging}.");
        }

        if (MetricsRetention <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}.{nameof(MetricsRetention)} must be positive; it is {MetricsRetention}.");
        }

        if (MaxMetricsSamples < 1)
        {
            errors.Add($"{prefix}.{nameof(MaxMetricsSamples)} must be at least 1; it is {MaxMetricsSamples}.");
        }

        if (MaxFinishedRequests < 1)
        {
            errors.Add($"{prefix}.{nameof(MaxFinishedRequests)} must be at least 1; it is {MaxFinishedRequests}.");
        }

        return errors;
    }
}
