using AgentMemory.Tiers;

namespace AgentMemory.Persistence;

/// <summary>Settings of the durable tiers: the SQLite long-term tier, the archive, durability and consolidation.</summary>
/// <remarks>A plain settings object, copied by the store when it opens; not thread-safe to mutate while a store is being created from it.</remarks>
public sealed class SqlitePersistenceOptions
{
    /// <summary>The SQLite database file of the long-term tier; created when missing. Required.</summary>
    public string Path { get; set; } = string.Empty;

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

    /// <summary>Payloads of at least this many bytes are stored LZ4-compressed (transparently); <see langword="null"/> for never. Default 4,096.</summary>
    public int? CompressionThreshold { get; set; } = 4_096;

    /// <summary>Whether opening runs SQLite's quick integrity check (a corrupt file then fails to open with a clear error). Default true.</summary>
    public bool VerifyOnOpen { get; set; } = true;

    /// <summary>The archive's directory; <see langword="null"/> (the default) for no archive tier.</summary>
    public string? ArchiveDirectory { get; set; }

    /// <summary>When consolidation runs and which policies it applies.</summary>
    public ConsolidationOptions Consolidation { get; } = new();

    /// <summary>Checks every setting; returns one message per invalid one, naming it.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Path))
        {
            errors.Add("SqlitePersistenceOptions.Path must name the database file.");
        }

        if (!Enum.IsDefined(Durability))
        {
            errors.Add($"SqlitePersistenceOptions.Durability {(int)Durability} is not a defined DurabilityMode.");
        }

        if (WriteBehindDelay <= TimeSpan.Zero)
        {
            errors.Add($"SqlitePersistenceOptions.WriteBehindDelay must be positive, but was {WriteBehindDelay}.");
        }

        if (WriteBehindBatchSize < 1)
        {
            errors.Add($"SqlitePersistenceOptions.WriteBehindBatchSize must be at least 1, but was {WriteBehindBatchSize}.");
        }

        if (ExpirationScanInterval <= TimeSpan.Zero)
        {
            errors.Add($"SqlitePersistenceOptions.ExpirationScanInterval must be positive, but was {ExpirationScanInterval}.");
        }

        if (MaxExpirationsPerScan < 1)
        {
            errors.Add($"SqlitePersistenceOptions.MaxExpirationsPerScan must be at least 1, but was {MaxExpirationsPerScan}.");
        }

        if (CompressionThreshold is < 1)
        {
            errors.Add($"SqlitePersistenceOptions.CompressionThreshold must be at least 1 or null, but was {CompressionThreshold}.");
        }

        if (ArchiveDirectory is not null && string.IsNullOrWhiteSpace(ArchiveDirectory))
        {
            errors.Add("SqlitePersistenceOptions.ArchiveDirectory must be null or name a directory.");
        }

        errors.AddRange(Consolidation.Validate());
        return errors;
    }

    /// <summary>A copy that later changes to this instance do not affect.</summary>
    internal SqlitePersistenceOptions Clone()
    {
        var copy = new SqlitePersistenceOptions
        {
            Path = Path,
            Durability = Durability,
            WriteBehindDelay = WriteBehindDelay,
            WriteBehindBatchSize = WriteBehindBatchSize,
            ExpirationScanInterval = ExpirationScanInterval,
            MaxExpirationsPerScan = MaxExpirationsPerScan,
            CompressionThreshold = CompressionThreshold,
            VerifyOnOpen = VerifyOnOpen,
            ArchiveDirectory = ArchiveDirectory,
        };
        copy.Consolidation.Interval = Consolidation.Interval;
        copy.Consolidation.CapacityThreshold = Consolidation.CapacityThreshold;
        copy.Consolidation.CapacityCooldown = Consolidation.CapacityCooldown;
        copy.Consolidation.BatchSize = Consolidation.BatchSize;
        copy.Consolidation.MaxRetries = Consolidation.MaxRetries;
        foreach (var policy in Consolidation.Policies)
        {
            copy.Consolidation.Policies.Add(policy);
        }

        return copy;
    }
}
