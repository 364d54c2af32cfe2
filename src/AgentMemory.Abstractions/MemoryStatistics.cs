namespace AgentMemory;

/// <summary>Counters describing a store, as returned by <see cref="IMemoryStore.GetStatisticsAsync"/>.</summary>
/// <remarks>
/// Immutable and thread-safe. The counters are read one after another without stopping writers, so under
/// concurrent load they are individually exact but may describe slightly different instants.
/// </remarks>
public sealed record MemoryStatistics
{
    /// <summary>Entries held, including expired entries that neither a read nor the expiry sweep has reclaimed yet.</summary>
    public long EntryCount { get; init; }

    /// <summary>The sum of <see cref="MemoryEntryInfo.SizeBytes"/> over the entries held.</summary>
    public long BytesUsed { get; init; }

    /// <summary>Reads that found a live entry.</summary>
    public long Hits { get; init; }

    /// <summary>Reads that found no entry, or only an expired one.</summary>
    public long Misses { get; init; }

    /// <summary><see cref="Hits"/> divided by all reads, between 0 and 1; 0 when nothing was read yet.</summary>
    public double HitRate => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

    /// <summary>Entries removed to bring the store back under its capacity limits.</summary>
    public long Evictions { get; init; }

    /// <summary>Entries removed because their time to live ran out.</summary>
    public long Expirations { get; init; }

    /// <summary>The entry-count limit, or <see langword="null"/> when there is none.</summary>
    public long? MaxEntries { get; init; }

    /// <summary>The byte budget, or <see langword="null"/> when there is none.</summary>
    public long? MaxBytes { get; init; }
}
