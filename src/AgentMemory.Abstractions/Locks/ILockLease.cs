namespace AgentMemory;

/// <summary>
/// A granted lock on one resource, valid until <see cref="ExpiresAt"/> unless extended. Dispose it
/// (<c>await using</c>) to release the lock.
/// </summary>
/// <remarks>
/// Thread-safe: the members may be called concurrently, though a lease normally belongs to one logical flow.
/// Disposing is idempotent and never throws for a lease that was already lost.
/// </remarks>
public interface ILockLease : IAsyncDisposable
{
    /// <summary>The name of the locked resource.</summary>
    string Resource { get; }

    /// <summary>A unique identifier of this grant.</summary>
    string LeaseId { get; }

    /// <summary>
    /// The grant's fencing token: larger than the token of every earlier grant on the same resource. Pass it to
    /// <see cref="IDistributedLockProvider.ExecuteFencedAsync"/> to protect writes against a stalled former holder.
    /// </summary>
    long FencingToken { get; }

    /// <summary>When the lease runs out unless it is extended first; updated by <see cref="ExtendAsync"/>.</summary>
    DateTimeOffset ExpiresAt { get; }

    /// <summary>Extends the lease so it runs out <paramref name="leaseTtl"/> from now.</summary>
    /// <param name="leaseTtl">The new remaining lease length; null for the length it was granted with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if the lease was still held and is extended; <see langword="false"/> if it had already run out, been released or been superseded.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leaseTtl"/> is not positive.</exception>
    ValueTask<bool> ExtendAsync(TimeSpan? leaseTtl = null, CancellationToken cancellationToken = default);

    /// <summary>Releases the lock, waking waiters.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> if this lease was still held and is now released; <see langword="false"/> if it had already run out or been released.</returns>
    ValueTask<bool> ReleaseAsync(CancellationToken cancellationToken = default);
}
