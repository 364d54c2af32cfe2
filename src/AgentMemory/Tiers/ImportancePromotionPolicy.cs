namespace AgentMemory.Tiers;

/// <summary>
/// Promotes a long-term entry into the hot tier when it is important: its priority is at least a minimum, or a
/// numeric metadata field (by default <c>importance</c>, 0..1) is at least a threshold (the seed's
/// "recent → important" rule).
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class ImportancePromotionPolicy : IConsolidationPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="minimumPriority">Entries of this priority or higher are promoted.</param>
    /// <param name="minimumImportance">Entries whose importance field is at least this are promoted; null to ignore the field.</param>
    /// <param name="importanceField">The metadata field that holds an entry's importance.</param>
    /// <exception cref="ArgumentException"><paramref name="minimumPriority"/> is undefined or <paramref name="importanceField"/> is empty.</exception>
    public ImportancePromotionPolicy(MemoryPriority minimumPriority = MemoryPriority.High, double? minimumImportance = 0.8, string importanceField = "importance")
    {
        if (!Enum.IsDefined(minimumPriority))
        {
            throw new ArgumentException($"The priority {(int)minimumPriority} is not a defined MemoryPriority.", nameof(minimumPriority));
        }

        ArgumentException.ThrowIfNullOrEmpty(importanceField);
        MinimumPriority = minimumPriority;
        MinimumImportance = minimumImportance;
        ImportanceField = importanceField;
    }

    /// <summary>Entries of this priority or higher are promoted.</summary>
    public MemoryPriority MinimumPriority { get; }

    /// <summary>Entries whose importance is at least this are promoted; null when importance is not considered.</summary>
    public double? MinimumImportance { get; }

    /// <summary>The metadata field holding importance.</summary>
    public string ImportanceField { get; }

    /// <inheritdoc />
    public ConsolidationAction Evaluate(ConsolidationCandidate candidate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.Tier != MemoryTier.LongTerm)
        {
            return ConsolidationAction.None;
        }

        if (candidate.Priority >= MinimumPriority)
        {
            return ConsolidationAction.Promote;
        }

        if (MinimumImportance is { } minimum && candidate.Metadata.TryGetValue(ImportanceField, out var value))
        {
            var importance = value.Kind switch
            {
                MetadataValueKind.Double => value.AsDouble(),
                MetadataValueKind.Integer => value.AsInt64(),
                _ => double.NaN,
            };
            if (importance >= minimum)
            {
                return ConsolidationAction.Promote;
            }
        }

        return ConsolidationAction.None;
    }
}
