namespace AgentMemory;

/// <summary>
/// Leased, fenced mutual exclusion on named resources: at most one holder per resource at a time, each grant
/// valid until its lease runs out and carrying a fencing token larger than every earlier grant's.
/// </summary>
/// <remarks>
/// <para>
/// A lease expires on its own when its holder stops extending it (a crashed or stalled holder cannot block others
/// forever). Because a stalled holder may not notice that its lease ran out, writes that must not be made by a
/// former holder go through <see cref="ExecuteFencedAsync"/> with the holder's
/// <see cref="ILockLease.FencingToken"/>: the write runs only while that token is still the newest grant.
/// </para>
/// <para>Implementations are thread-safe: every member may be called concurrently.</para>
/// </remarks>
public interface IDistributedLockProvider
{
    /// <summary>
    /// Acquires the lock on <paramref name="resource"/>, waiting up to <see cref="LockOptions.WaitTimeout"/> for the
    /// current holder to release it or for its lease to run out.
    /// </summary>
    /// <param name="resource">The name of the resource to lock.</param>
    /// <param name="options">Lease length, wait timeout and owner; null for the provider's defaults.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The lease, or <see langword="null"/> if the lock was not granted within the wait timeout.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="resource"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="resource"/> is empty or too long, or an option is out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    ValueTask<ILockLease?> TryAcquireAsync(string resource, LockOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="TryAcquireAsync"/>, but throws when the lock is not granted in time.</summary>
    /// <param name="resource">The name of the resource to lock.</param>
    /// <param name="options">Lease length, wait timeout and owner; null for the provider's defaults.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The lease; dispose it (<c>await using</c>) to release the lock.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="resource"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="resource"/> is empty or too long, or an option is out of range.</exception>
    /// <exception cref="MemoryLockTimeoutException">The lock was not granted within the wait timeout.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    ValueTask<ILockLease> AcquireAsync(string resource, LockOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads who holds the lock on <paramref name="resource"/> now.</summary>
    /// <param name="resource">The name of the resource.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The live lease's description, or <see langword="null"/> when nobody holds an unexpired lease.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="resource"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="resource"/> is empty or too long.</exception>
    ValueTask<LockInfo?> GetLockInfoAsync(string resource, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="write"/> only if <paramref name="fencingToken"/> is the newest token granted on
    /// <paramref name="resource"/>; while it runs no new lease on the resource is granted, so a newer holder cannot
    /// slip in between the check and the write.
    /// </summary>
    /// <param name="resource">The name of the locked resource.</param>
    /// <param name="fencingToken">The writer's <see cref="ILockLease.FencingToken"/>.</param>
    /// <param name="write">The protected write. It must not acquire, extend or release locks of this provider.</param>
    /// <param name="cancellationToken">Cancels the call before the write starts; it is also passed to the write.</param>
    /// <returns>A task that completes when the write has completed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="resource"/> or <paramref name="write"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="resource"/> is empty or too long.</exception>
    /// <exception cref="MemoryFencingException">A newer lease was granted on the resource (the token is stale), or the token was never granted; the write did not run.</exception>
    ValueTask ExecuteFencedAsync(string resource, long fencingToken, Func<CancellationToken, ValueTask> write, CancellationToken cancellationToken = default);
}
