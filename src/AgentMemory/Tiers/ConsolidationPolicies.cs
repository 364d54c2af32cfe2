namespace AgentMemory.Tiers;

/// <summary>The built-in consolidation rule set.</summary>
public static class ConsolidationPolicies
{
    /// <summary>
    /// The rules used when none are configured, in order: promote long-term entries read 3 times or more, promote
    /// important ones (priority High or above, or metadata <c>importance</c> ≥ 0.8), demote hot entries unused
    /// for an hour, archive long-term entries unused for 30 days.
    /// </summary>
    /// <remarks>A new list each call; the policies in it are immutable and thread-safe.</remarks>
    public static IReadOnlyList<IConsolidationPolicy> Default =>
    [
        new AccessCountPromotionPolicy(3),
        new ImportancePromotionPolicy(),
        new ColdDemotionPolicy(TimeSpan.FromHours(1)),
        new ArchiveAgePolicy(TimeSpan.FromDays(30)),
    ];
}
