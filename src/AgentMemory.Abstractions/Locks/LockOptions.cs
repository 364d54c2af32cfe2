namespace AgentMemory;

/// <summary>How one lock is acquired: how long its lease lasts and how long to wait for it.</summary>
/// <remarks>A plain settings object, read once per call. Not thread-safe to mutate while a call reads it.</remarks>
public sealed class LockOptions
{
    /// <summary>How long the lease lasts unless extended; positive (the store-backed provider allows up to 365 days). Null for the provider's default.</summary>
    public TimeSpan? LeaseTtl { get; set; }

    /// <summary>
    /// How long to wait for the lock; <see cref="TimeSpan.Zero"/> tries once, <see cref="Timeout.InfiniteTimeSpan"/>
    /// waits until granted or cancelled. Null for the provider's default.
    /// </summary>
    public TimeSpan? WaitTimeout { get; set; }

    /// <summary>A free-form name of the holder (an agent id, a host name) reported by <see cref="LockInfo.Owner"/>.</summary>
    public string? Owner { get; set; }
}
