namespace AgentMemory.Redis.Locks;

/// <summary>Settings of <see cref="RedisDistributedLockProvider"/>: defaults for calls that do not say, and how waiting polls.</summary>
/// <remarks>A plain settings object, copied when the provider is created; not thread-safe to mutate meanwhile.</remarks>
public sealed class RedisLockOptions
{
    /// <summary>The longest lease a call may ask for (365 days, as for the store-backed provider).</summary>
    public static readonly TimeSpan MaxLeaseTtl = TimeSpan.FromDays(365);

    /// <summary>The lease length when a call does not give one. Default 30 seconds.</summary>
    public TimeSpan DefaultLeaseTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a lock when a call does not say. Default 10 seconds.</summary>
    public TimeSpan DefaultWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest pause between two attempts of a waiter. Waiters are woken by a release notification (Redis pub/sub);
    /// polling is the fallback for a lost notification, starting at 10 ms and doubling up to this. Default 1 second.
    /// </summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a fenced write holds off new grants on its resource at most. A write that takes longer loses that
    /// protection (a new lease may be granted while it still runs), so the protected resource must check the token
    /// itself if writes can be slow. Default 30 seconds.
    /// </summary>
    public TimeSpan FencedWriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the settings; returns one message per invalid one, naming it.</summary>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (DefaultLeaseTtl <= TimeSpan.Zero || DefaultLeaseTtl > MaxLeaseTtl)
        {
            errors.Add($"RedisLockOptions.DefaultLeaseTtl must be positive and at most {MaxLeaseTtl.TotalDays} days; it is {DefaultLeaseTtl}.");
        }

        if (DefaultWaitTimeout < TimeSpan.Zero && DefaultWaitTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"RedisLockOptions.DefaultWaitTimeout must be zero, positive or Timeout.InfiniteTimeSpan; it is {DefaultWaitTimeout}.");
        }

        if (MaxPollInterval <= TimeSpan.Zero || MaxPollInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"RedisLockOptions.MaxPollInterval must be positive and at most one hour; it is {MaxPollInterval}.");
        }

        if (FencedWriteTimeout <= TimeSpan.Zero || FencedWriteTimeout > MaxLeaseTtl)
        {
            errors.Add($"RedisLockOptions.FencedWriteTimeout must be positive and at most {MaxLeaseTtl.TotalDays} days; it is {FencedWriteTimeout}.");
        }

        return errors;
    }

    /// <summary>Returns an independent copy.</summary>
    /// <returns>The copy.</returns>
    public RedisLockOptions Clone() => (RedisLockOptions)MemberwiseClone();
}
