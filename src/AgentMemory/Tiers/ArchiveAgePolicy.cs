namespace AgentMemory.Tiers;

/// <summary>
/// Archives a long-term entry that has not been read or written for a long time (the seed's "long-term → archive"
/// flow). Needs an archive directory; without one the action is ignored.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class ArchiveAgePolicy : IConsolidationPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="idleTime">How long an entry must go unused to be archived.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="idleTime"/> is not positive.</exception>
    public ArchiveAgePolicy(TimeSpan idleTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTime, TimeSpan.Zero);
        IdleTime = idleTime;
    }

    /// <summary>How long an entry must go unused to be archived.</summary>
    public TimeSpan IdleTime { get; }

    /// <inheritdoc />
    public ConsolidationAction Evaluate(ConsolidationCandidate candidate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return candidate.Tier == MemoryTier.LongTerm && now - candidate.LastUsedAt >= IdleTime
            ? ConsolidationAction.Archive
            : ConsolidationAction.None;
    }
}
