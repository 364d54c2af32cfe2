namespace AgentMemory.Redis.Locks;

/// <summary>A lease granted by <see cref="RedisDistributedLockProvider"/>.</summary>
internal sealed class RedisLockLease(RedisDistributedLockProvider provider, string resource, string leaseId, long fencingToken, DateTimeOffset expiresAt, TimeSpan ttl) : ILockLease
{
    private long _expiresAtTicks = expiresAt.UtcTicks;
    private int _released;

    public string Resource { get; } = resource;

    public string LeaseId { get; } = leaseId;

    public long FencingToken { get; } = fencingToken;

    public DateTimeOffset ExpiresAt => new(Interlocked.Read(ref _expiresAtTicks), TimeSpan.Zero);

    public TimeSpan Ttl { get; } = ttl;

    public async ValueTask<bool> ExtendAsync(TimeSpan? leaseTtl = null, CancellationToken cancellationToken = default)
    {
        var ttl = leaseTtl ?? Ttl;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero, nameof(leaseTtl));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ttl, RedisLockOptions.MaxLeaseTtl, nameof(leaseTtl));
        if (Volatile.Read(ref _released) != 0)
        {
            return false;
        }

        var newExpiry = await provider.ExtendAsync(this, ttl, cancellationToken).ConfigureAwait(false);
        if (newExpiry is null)
        {
            return false;
        }

        Interlocked.Exchange(ref _expiresAtTicks, newExpiry.Value.UtcTicks);
        return true;
    }

    public async ValueTask<bool> ReleaseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return false;
        }

        try
        {
            return await provider.ReleaseAsync(this, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not released (cancelled, or Redis failed): let a later release or dispose try again.
            Volatile.Write(ref _released, 0);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (MemoryStorageException)
        {
            // Disposing never throws: the lease runs out on its own when Redis is unreachable.
        }
    }
}
