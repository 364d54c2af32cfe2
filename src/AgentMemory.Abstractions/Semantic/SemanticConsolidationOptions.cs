namespace AgentMemory;

/// <summary>What a consolidation run does: merge near-duplicates, decay importance, clean up.</summary>
/// <remarks>A plain settings object, read once by the call; not thread-safe to mutate while a call reads it.</remarks>
public sealed class SemanticConsolidationOptions
{
    /// <summary>Whether to merge near-duplicate memories. Defaults to true.</summary>
    public bool MergeDuplicates { get; set; } = true;

    /// <summary>
    /// The embedding similarity (cosine, -1..1) from which two memories of the same scope and type are duplicates.
    /// Defaults to 0.92.
    /// </summary>
    public double SimilarityThreshold { get; set; } = 0.92;

    /// <summary>Whether to decay importance with time since last access. Defaults to true.</summary>
    public bool DecayImportance { get; set; } = true;

    /// <summary>The time in which an unaccessed memory's importance halves. Defaults to 30 days.</summary>
    public TimeSpan ImportanceHalfLife { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Whether to remove old, unimportant, rarely accessed memories. Defaults to true.</summary>
    public bool Cleanup { get; set; } = true;

    /// <summary>Cleanup removes memories whose importance (after decay) is below this. Defaults to 0.05.</summary>
    public double CleanupImportanceBelow { get; set; } = 0.05;

    /// <summary>Cleanup removes only memories at least this old. Defaults to 7 days.</summary>
    public TimeSpan CleanupMinAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Cleanup removes only memories accessed at most this many times. Defaults to 2.</summary>
    public long CleanupMaxAccessCount { get; set; } = 2;

    /// <summary>Only memories stored with exactly this scope are consolidated; null for every scope (each scope separately).</summary>
    public MemoryScope? Scope { get; set; }
}
