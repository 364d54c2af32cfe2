namespace AgentMemory.Locks;

/// <summary>Settings of the store-backed lock provider, configured through <c>AddAgentCoordination(o => o.Locks...)</c>.</summary>
/// <remarks>Copied by the provider when it is created; later changes do not affect it. Not thread-safe to mutate.</remarks>
public sealed class LockProviderOptions
{
    /// <summary>The prefix of the store keys that hold leases and fencing counters. Defaults to <c>"locks:"</c>.</summary>
    public string KeyPrefix { get; set; } = "locks:";

    /// <summary>The lease length when a call does not give one. Defaults to 30 seconds.</summary>
    public TimeSpan DefaultLeaseTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a lock when a call does not say. Defaults to 10 seconds.</summary>
    public TimeSpan DefaultWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks the settings and lists what is wrong, naming each option.</summary>
    /// <param name="path">The option path to name in messages.</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate(string path = nameof(LockProviderOptions))
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(KeyPrefix))
        {
            errors.Add($"{path}.{nameof(KeyPrefix)} must not be empty.");
        }

        if (DefaultLeaseTtl <= TimeSpan.Zero || DefaultLeaseTtl > MemoryStoreLockProvider.MaxLeaseTtl)
        {
            errors.Add($"{path}.{nameof(DefaultLeaseTtl)} must be positive and at most {MemoryStoreLockProvider.MaxLeaseTtl.TotalDays} days; it is {DefaultLeaseTtl}.");
        }

        if (DefaultWaitTimeout < TimeSpan.Zero && DefaultWaitTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{path}.{nameof(DefaultWaitTimeout)} must be zero, positive or Timeout.InfiniteTimeSpan; it is {DefaultWaitTimeout}.");
        }

        return errors;
    }

    internal LockProviderOptions Copy() => new()
    {
        KeyPrefix = KeyPrefix,
        DefaultLeaseTtl = DefaultLeaseTtl,
        DefaultWaitTimeout = DefaultWaitTimeout,
    };
}
