namespace AgentMemory.Semantic;

/// <summary>
/// Settings of a <see cref="HierarchicalMemory"/>: each level's capacity (per memory scope) and idle expiry, and the
/// promotion rules. The defaults follow the classic four-level design: 50 immediate, 500 recent, 5,000 important and
/// 10,000 learned memories; immediate → recent after more than 3 accesses, recent → important above importance 0.8,
/// important → learned after more than 5 validations.
/// </summary>
/// <remarks>A plain settings object, copied by the hierarchical memory at construction; not thread-safe to mutate while read.</remarks>
public sealed class HierarchicalMemoryOptions
{
    /// <summary>The most <see cref="MemoryLevel.Immediate"/> memories per scope. Defaults to 50.</summary>
    public int ImmediateCapacity { get; set; } = 50;

    /// <summary>The most <see cref="MemoryLevel.Recent"/> memories per scope. Defaults to 500.</summary>
    public int RecentCapacity { get; set; } = 500;

    /// <summary>The most <see cref="MemoryLevel.Important"/> memories per scope. Defaults to 5,000.</summary>
    public int ImportantCapacity { get; set; } = 5_000;

    /// <summary>The most <see cref="MemoryLevel.Learned"/> memories per scope. Defaults to 10,000.</summary>
    public int LearnedCapacity { get; set; } = 10_000;

    /// <summary>How long an <see cref="MemoryLevel.Immediate"/> memory lives without access (since formed or last accessed); null for ever. Defaults to 1 hour.</summary>
    public TimeSpan? ImmediateMaxIdle { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a <see cref="MemoryLevel.Recent"/> memory lives without access; null for ever. Defaults to 7 days.</summary>
    public TimeSpan? RecentMaxIdle { get; set; } = TimeSpan.FromDays(7);

    /// <summary>An immediate memory accessed more than this many times is promoted to <see cref="MemoryLevel.Recent"/>. Defaults to 3.</summary>
    public long PromoteToRecentAfterAccesses { get; set; } = 3;

    /// <summary>A recent memory whose importance is above this is promoted to <see cref="MemoryLevel.Important"/>. Defaults to 0.8.</summary>
    public double PromoteToImportantAboveImportance { get; set; } = 0.8;

    /// <summary>An important memory validated more than this many times is promoted to <see cref="MemoryLevel.Learned"/>. Defaults to 5.</summary>
    public long PromoteToLearnedAfterValidations { get; set; } = 5;

    /// <summary>Checks the values, naming each bad option.</summary>
    /// <param name="prefix">Prefixed to option names in messages.</param>
    /// <returns>The problems found; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate(string prefix = nameof(HierarchicalMemoryOptions))
    {
        var errors = new List<string>();
        foreach (var (name, value) in new[] { (nameof(ImmediateCapacity), ImmediateCapacity), (nameof(RecentCapacity), RecentCapacity), (nameof(ImportantCapacity), ImportantCapacity), (nameof(LearnedCapacity), LearnedCapacity) })
        {
            if (value < 1)
            {
                errors.Add($"{prefix}.{name} must be at least 1 (was {value}).");
            }
        }

        foreach (var (name, value) in new[] { (nameof(ImmediateMaxIdle), ImmediateMaxIdle), (nameof(RecentMaxIdle), RecentMaxIdle) })
        {
            if (value is { } idle && idle <= TimeSpan.Zero)
            {
                errors.Add($"{prefix}.{name} must be positive or null (was {idle}).");
            }
        }

        if (PromoteToRecentAfterAccesses < 0)
        {
            errors.Add($"{prefix}.{nameof(PromoteToRecentAfterAccesses)} must be at least 0 (was {PromoteToRecentAfterAccesses}).");
        }

        if (!(PromoteToImportantAboveImportance is >= 0 and <= 1))
        {
            errors.Add($"{prefix}.{nameof(PromoteToImportantAboveImportance)} must be between 0 and 1 (was {PromoteToImportantAboveImportance}).");
        }

        if (PromoteToLearnedAfterValidations < 0)
        {
            errors.Add($"{prefix}.{nameof(PromoteToLearnedAfterValidations)} must be at least 0 (was {PromoteToLearnedAfterValidations}).");
        }

        return errors;
    }

    internal HierarchicalMemoryOptions Clone() => (HierarchicalMemoryOptions)MemberwiseClone();
}
