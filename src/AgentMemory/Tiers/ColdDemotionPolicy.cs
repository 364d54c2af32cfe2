namespace AgentMemory.Tiers;

/// <summary>
/// Demotes a hot entry to the long-term tier when it has not been read or written for a while, freeing hot memory
/// for what is in use. <see cref="MemoryPriority.Critical"/> entries are never demoted by this policy.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class ColdDemotionPolicy : IConsolidationPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="idleTime">How long an entry must go unused to be demoted.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="idleTime"/> is not positive.</exception>
    public ColdDemotionPolicy(TimeSpan idleTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTime, TimeSpan.Zero);
        IdleTime = idleTime;
    }

    /// <summary>How long an entry must go unused to be demoted.</summary>
    public TimeSpan IdleTime { get; }

    /// <inheritdoc />
    public ConsolidationAction Evaluate(ConsolidationCandidate candidate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return candidate.Tier == MemoryTier.ShortTerm && candidate.Priority != MemoryPriority.Critical && now - candidate.LastUsedAt >= IdleTime
            ? ConsolidationAction.Demote
            : ConsolidationAction.None;
    }
}
