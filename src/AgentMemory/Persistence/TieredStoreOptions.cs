using AgentMemory.Tiers;

namespace AgentMemory.Persistence;

/// <summary>
/// The settings of a <see cref="TieredMemoryStore"/> that do not depend on which database holds the long-term tier:
/// durability, write-behind batching, the expiry sweep, payload compression, the archive and consolidation.
/// <see cref="SqlitePersistenceOptions"/> and the PostgreSQL persistence options derive from it; pass it on its own to
/// <see cref="TieredMemoryStore.Open(ILongTermStore, TieredStoreOptions, Storage.HotTierOptions, TimeProvider, IMemorySerializer, Microsoft.Extensions.Logging.ILoggerFactory)"/>
/// over a long-term store you opened yourself.
/// </summary>
/// <remarks>A plain settings object, copied by the store when it opens; not thread-safe to mutate while a store is being created from it.</remarks>
public class TieredStoreOptions
{
    /// <summary>When writes reach the long-term tier. Default <see cref="DurabilityMode.WriteThrough"/>.</summary>
    public DurabilityMode Durability { get; set; } = DurabilityMode.WriteThrough;

    /// <summary>The longest a write-behind write waits before it is committed. Default 1 second.</summary>
    public TimeSpan WriteBehindDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A write-behind flush starts as soon as this many writes are buffered. Default 1,000.</summary>
    public int WriteBehindBatchSize { get; set; } = 1_000;

    /// <summary>How often expired long-term and archive entries are deleted. Default 1 minute.</summary>
    public TimeSpan ExpirationScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most expired rows one sweep deletes. Default 10,000.</summary>
    public int MaxExpirationsPerScan { get; set; } = 10_000;

    /// <summary>
    /// Payloads of at least this many bytes are stored LZ4-compressed (transparently) by the long-term stores that
    /// compress (SQLite, PostgreSQL); <see langword="null"/> for never. Default 4,096. A long-term store opened by the
    /// caller takes its own setting.
    /// </summary>
    public int? CompressionThreshold { get; set; } = 4_096;

    /// <summary>The archive's directory; <see langword="null"/> (the default) for no archive tier.</summary>
    public string? ArchiveDirectory { get; set; }

    /// <summary>When consolidation runs and which policies it applies.</summary>
    public ConsolidationOptions Consolidation { get; } = new();

    /// <summary>Checks every setting; returns one message per invalid one, naming it.</summary>
    /// <returns>The problems found; empty when the options are valid.</returns>
    public virtual IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var name = GetType().Name;
        if (!Enum.IsDefined(Durability))
        {
            errors.Add($"{name}.Durability {(int)Durability} is not a defined DurabilityMode.");
        }

        if (WriteBehindDelay <= TimeSpan.Zero)
        {
            errors.Add($"{name}.WriteBehindDelay must be positive, but was {WriteBehindDelay}.");
        }

        if (WriteBehindBatchSize < 1)
        {
            errors.Add($"{name}.WriteBehindBatchSize must be at least 1, but was {WriteBehindBatchSize}.");
        }

        if (ExpirationScanInterval <= TimeSpan.Zero)
        {
            errors.Add($"{name}.ExpirationScanInterval must be positive, but was {ExpirationScanInterval}.");
        }

        if (MaxExpirationsPerScan < 1)
        {
            errors.Add($"{name}.MaxExpirationsPerScan must be at least 1, but was {MaxExpirationsPerScan}.");
        }

        if (CompressionThreshold is < 1)
        {
            errors.Add($"{name}.CompressionThreshold must be at least 1 or null, but was {CompressionThreshold}.");
        }

        if (ArchiveDirectory is not null && string.IsNullOrWhiteSpace(ArchiveDirectory))
        {
            errors.Add($"{name}.ArchiveDirectory must be null or name a directory.");
        }

        errors.AddRange(Consolidation.Validate());
        return errors;
    }

    /// <summary>A copy of the tier-independent settings that later changes to this instance do not affect.</summary>
    internal TieredStoreOptions CloneTiered()
    {
        var copy = new TieredStoreOptions();
        CopyTo(copy);
        return copy;
    }

    /// <summary>Copies the tier-independent settings into <paramref name="copy"/>.</summary>
    private protected void CopyTo(TieredStoreOptions copy)
    {
        copy.Durability = Durability;
        copy.WriteBehindDelay = WriteBehindDelay;
        copy.WriteBehindBatchSize = WriteBehindBatchSize;
        copy.ExpirationScanInterval = ExpirationScanInterval;
        copy.MaxExpirationsPerScan = MaxExpirationsPerScan;
        copy.CompressionThreshold = CompressionThreshold;
        copy.ArchiveDirectory = ArchiveDirectory;
        copy.Consolidation.Interval = Consolidation.Interval;
        copy.Consolidation.CapacityThreshold = Consolidation.CapacityThreshold;
        copy.Consolidation.CapacityCooldown = Consolidation.CapacityCooldown;
        copy.Consolidation.BatchSize = Consolidation.BatchSize;
        copy.Consolidation.MaxRetries = Consolidation.MaxRetries;
        foreach (var policy in Consolidation.Policies)
        {
            copy.Consolidation.Policies.Add(policy);
        }
    }
}
