namespace AgentMemory.Tiers;

/// <summary>When consolidation runs and what it does.</summary>
/// <remarks>A plain settings object, copied by the store when it opens; not thread-safe to mutate while a store is being created from it.</remarks>
public sealed class ConsolidationOptions
{
    /// <summary>Run a pass every interval on the store's clock; <see langword="null"/> (the default) for no timed passes.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>
    /// Run a pass when the hot tier holds at least this fraction of <c>HotTier.MaxEntries</c> (0 &lt; x ≤ 1);
    /// <see langword="null"/> for never. Ignored when the hot tier has no entry limit. Default 0.9.
    /// </summary>
    public double? CapacityThreshold { get; set; } = 0.9;

    /// <summary>The least time between two capacity-triggered passes, so a full hot tier does not consolidate continuously. Default 30 seconds.</summary>
    public TimeSpan CapacityCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many entries one transfer batch moves. Default 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How many times a failed transfer is retried before it is reported as failed and the entry left where it was. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// The policies, in order (the first one that decides wins). Empty (the default) uses
    /// <see cref="ConsolidationPolicies.Default"/>.
    /// </summary>
    public IList<IConsolidationPolicy> Policies { get; } = [];

    /// <summary>Checks every setting; returns one message per invalid one, naming it.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Interval is { } interval && interval <= TimeSpan.Zero)
        {
            errors.Add($"Consolidation.Interval must be positive or null, but was {interval}.");
        }

        if (CapacityThreshold is { } threshold && (double.IsNaN(threshold) || threshold <= 0 || threshold > 1))
        {
            errors.Add($"Consolidation.CapacityThreshold must be in (0, 1] or null, but was {threshold}.");
        }

        if (CapacityCooldown < TimeSpan.Zero)
        {
            errors.Add($"Consolidation.CapacityCooldown must not be negative, but was {CapacityCooldown}.");
        }

        if (BatchSize < 1)
        {
            errors.Add($"Consolidation.BatchSize must be at least 1, but was {BatchSize}.");
        }

        if (MaxRetries < 0)
        {
            errors.Add($"Consolidation.MaxRetries must not be negative, but was {MaxRetries}.");
        }

        if (Policies.Any(p => p is null))
        {
            errors.Add("Consolidation.Policies must not contain null.");
        }

        return errors;
    }
}
