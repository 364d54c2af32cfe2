namespace AgentMemory.Tiers;

/// <summary>
/// Promotes a long-term entry into the hot tier once it has been read at least a number of times (the seed's
/// "immediate → recent" rule): frequently used memory is kept fast, for example after a restart.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class AccessCountPromotionPolicy : IConsolidationPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="minimumAccessCount">The access count at which an entry is promoted.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumAccessCount"/> is less than 1.</exception>
    public AccessCountPromotionPolicy(long minimumAccessCount = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumAccessCount, 1);
        MinimumAccessCount = minimumAccessCount;
    }

    /// <summary>The access count at which an entry is promoted.</summary>
    public long MinimumAccessCount { get; }

    /// <inheritdoc />
    public ConsolidationAction Evaluate(ConsolidationCandidate candidate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return candidate.Tier == MemoryTier.LongTerm && candidate.AccessCount >= MinimumAccessCount
            ? ConsolidationAction.Promote
            : ConsolidationAction.None;
    }
}
