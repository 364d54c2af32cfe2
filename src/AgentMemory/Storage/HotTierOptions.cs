namespace AgentMemory.Storage;

/// <summary>Settings of the in-process hot tier (<see cref="InMemoryStore"/>).</summary>
/// <remarks>
/// A plain mutable settings class; the store copies the values when it is constructed, so later changes to an
/// instance do not affect a running store. Not thread-safe to mutate while a store is being constructed from it.
/// </remarks>
public sealed class HotTierOptions
{
    /// <summary>The most entries the tier holds before it evicts; null (the default) for no limit. At least 1.</summary>
    public long? MaxEntries { get; set; }

    /// <summary>
    /// The byte budget: the most <see cref="MemoryEntryInfo.SizeBytes"/> summed over all entries before the tier evicts;
    /// null (the default) for no limit. At least 1. An entry larger than the whole budget is refused with
    /// <see cref="MemoryCapacityException"/>.
    /// </summary>
    public long? MaxBytes { get; set; }

    /// <summary>How often the active expiry sweep runs. Defaults to 1 second; must be positive and at most one day.</summary>
    public TimeSpan ExpirationScanInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The most expired entries one sweep reclaims, so a sweep never stalls the store; the rest wait for the next
    /// sweep (reads never return them meanwhile). Defaults to 10,000; at least 1.
    /// </summary>
    public int MaxExpirationsPerScan { get; set; } = 10_000;

    /// <summary>Lists what is wrong with these settings, naming each bad option; empty when they are valid.</summary>
    /// <param name="prefix">How to name the options in messages, for example "AgentMemoryOptions.HotTier".</param>
    /// <returns>The problems found.</returns>
    public IReadOnlyList<string> Validate(string prefix = nameof(HotTierOptions))
    {
        var errors = new List<string>();
        if (MaxEntries is < 1)
        {
            errors.Add($"{prefix}.{nameof(MaxEntries)} must be at least 1, or null for no limit; it is {MaxEntries}.");
        }

        if (MaxBytes is < 1)
        {
            errors.Add($"{prefix}.{nameof(MaxBytes)} must be at least 1, or null for no limit; it is {MaxBytes}.");
        }

        if (ExpirationScanInterval <= TimeSpan.Zero || ExpirationScanInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{prefix}.{nameof(ExpirationScanInterval)} must be positive and at most one day; it is {ExpirationScanInterval}.");
        }

        if (MaxExpirationsPerScan < 1)
        {
            errors.Add($"{prefix}.{nameof(MaxExpirationsPerScan)} must be at least 1; it is {MaxExpirationsPerScan}.");
        }

        return errors;
    }
}
