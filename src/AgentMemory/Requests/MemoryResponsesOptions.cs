namespace AgentMemory.Requests;

/// <summary>Settings of the response cache and codec.</summary>
/// <remarks>A plain mutable settings class, copied when the service is created. Not thread-safe to mutate meanwhile.</remarks>
public sealed class MemoryResponsesOptions
{
    /// <summary>Prepended to a request id to form the cache key. Default <c>"response:"</c>.</summary>
    public string CacheKeyPrefix { get; set; } = "response:";

    /// <summary>How long <see cref="IMemoryResponses.CacheAsync"/> keeps a response when no TTL is given. Default one hour; positive.</summary>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The largest serialized (and decompressed) response accepted, in bytes. Default 16 MiB; at least 64.</summary>
    public int MaxSerializedBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Lists what is wrong with these settings, naming each bad option; empty when they are valid.</summary>
    /// <param name="prefix">How to name the options in messages.</param>
    /// <returns>The problems found.</returns>
    public IReadOnlyList<string> Validate(string prefix = nameof(MemoryResponsesOptions))
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(CacheKeyPrefix))
        {
            errors.Add($"{prefix}.{nameof(CacheKeyPrefix)} must not be empty.");
        }

        if (DefaultTtl <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}.{nameof(DefaultTtl)} must be positive; it is {DefaultTtl}.");
        }

        if (MaxSerializedBytes < 64)
        {
            errors.Add($"{prefix}.{nameof(MaxSerializedBytes)} must be at least 64; it is {MaxSerializedBytes}.");
        }

        return errors;
    }
}
