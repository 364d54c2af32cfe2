using System.Diagnostics.CodeAnalysis;
using AgentMemory.Coordination;

namespace AgentMemory.Locks;

/// <summary>
/// An <see cref="IDistributedLockProvider"/> whose leases and fencing counters live in an
/// <see cref="IMemoryStore"/>, so they persist (and a restarted process keeps issuing larger tokens) whenever the
/// store does. Grants are decided in this process: use one provider per store.
/// </summary>
/// <remarks>
/// <para>
/// The lease of a resource is one store entry that expires with the lease; the fencing counter is a separate
/// counter entry of <see cref="MemoryPriority.Critical"/> priority, incremented on every grant. Acquire, extend,
/// release and fenced writes of one resource are serialized on one of a fixed set of async gates.
/// </para>
/// <para>
/// Waiting does not spin: a waiter sleeps until a release in its gate stripe wakes it, the current lease runs out
/// or its own wait timeout passes, whichever is first; all timers come from the injected
/// <see cref="TimeProvider"/>. Waiters are woken together and race for the lock, so grants are not FIFO-fair.
/// </para>
/// <para>Thread-safe. Dispose it only after every call has completed.</para>
/// </remarks>
public sealed class MemoryStoreLockProvider : IDistributedLockProvider, IDisposable
{
    private const int StripeCount = 64;
    private static readonly TimeSpan MaxSleep = TimeSpan.FromDays(1);

    /// <summary>The longest lease a call may ask for.</summary>
    internal static readonly TimeSpan MaxLeaseTtl = TimeSpan.FromDays(365);

    private readonly IMemoryStore _store;
    private readonly IMemoryOperations _operations;
    private readonly TimeProvider _time;
    private readonly LockProviderOptions _options;
    private readonly GateStripes _gates = new(StripeCount);
    private readonly int _maxResourceLength;

    /// <summary>Creates a provider over a store.</summary>
    /// <param name="store">The store that holds leases; the in-process store implements both this and <paramref name="operations"/>.</param>
    /// <param name="operations">The atomic operations of the same store, used for the fencing counters.</param>
    /// <param name="options">Key prefix and defaults, copied now; null for the defaults.</param>
    /// <param name="timeProvider">The clock for leases and wait timeouts; null for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="operations"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public MemoryStoreLockProvider(IMemoryStore store, IMemoryOperations operations, LockProviderOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(operations);
        options ??= new LockProviderOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _store = store;
        _operations = operations;
        _options = options.Copy();
        _time = timeProvider ?? TimeProvider.System;
        _maxResourceLength = MemoryKey.MaxLength - _options.KeyPrefix.Length - "lease:".Length;
    }

    /// <inheritdoc />
    public async ValueTask<ILockLease?> TryAcquireAsync(string resource, LockOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateResource(resource);
        var ttl = options?.LeaseTtl ?? _options.DefaultLeaseTtl;
        var wait = options?.WaitTimeout ?? _options.DefaultWaitTimeout;
        if (ttl <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(LockOptions)}.{nameof(LockOptions.LeaseTtl)} must be positive; it is {ttl}.", nameof(options));
        }

        if (wait < TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"{nameof(LockOptions)}.{nameof(LockOptions.WaitTimeout)} must be zero, positive or Timeout.InfiniteTimeSpan; it is {wait}.", nameof(options));
        }

        if (ttl > MaxLeaseTtl)
        {
            throw new ArgumentException($"{nameof(LockOptions)}.{nameof(LockOptions.LeaseTtl)} may be at most {MaxLeaseTtl.TotalDays} days; it is {ttl}.", nameof(options));
        }

        var start = _time.GetUtcNow();
        var deadline = wait == Timeout.InfiniteTimeSpan || wait >= DateTimeOffset.MaxValue - start ? DateTimeOffset.MaxValue : start + wait;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task signal;
            DateTimeOffset holderExpiry;
            DateTimeOffset now;
            using (var gate = await _gates.EnterAsync(resource, cancellationToken).ConfigureAwait(false))
            {
                now = _time.GetUtcNow();
                var current = await ReadLeaseAsync(resource, cancellationToken).ConfigureAwait(false);
                if (current is null || current.ExpiresAt <= now)
                {
                    return await GrantAsync(resource, ttl, options?.Owner, now, cancellationToken).ConfigureAwait(false);
                }

                signal = _gates.CurrentSignal(gate.Stripe);
                holderExpiry = current.ExpiresAt;
            }

            if (now >= deadline)
            {
                return null;
            }

            // Timers cannot be set beyond ~49 days; a longer sleep just wakes up once a day to look again.
            var sleep = (holderExpiry < deadline ? holderExpiry : deadline) - now;
            sleep = sleep > MaxSleep ? MaxSleep : sleep;
            try
            {
                await signal.WaitAsync(sleep, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The lease or the wait ran out: look again.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<ILockLease> AcquireAsync(string resource, LockOptions? options = null, CancellationToken cancellationToken = default)
    {
        var lease = await TryAcquireAsync(resource, options, cancellationToken).ConfigureAwait(false);
        return lease ?? throw new MemoryLockTimeoutException(resource, options?.WaitTimeout ?? _options.DefaultWaitTimeout);
    }

    /// <inheritdoc />
    public async ValueTask<LockInfo?> GetLockInfoAsync(string resource, CancellationToken cancellationToken = default)
    {
        ValidateResource(resource);
        var current = await ReadLeaseAsync(resource, cancellationToken).ConfigureAwait(false);
        return current is null || current.ExpiresAt <= _time.GetUtcNow()
            ? null
            : new LockInfo(resource, current.LeaseId, current.Token, current.Owner, current.AcquiredAt, current.ExpiresAt);
    }

    /// <inheritdoc />
    public async ValueTask ExecuteFencedAsync(string resource, long fencingToken, Func<CancellationToken, ValueTask> write, CancellationToken cancellationToken = default)
    {
        ValidateResource(resource);
        ArgumentNullException.ThrowIfNull(write);
        using (await _gates.EnterAsync(resource, cancellationToken).ConfigureAwait(false))
        {
            var newest = await _store.RetrieveAsync<long>(FenceKey(resource), cancellationToken).ConfigureAwait(false);
            if (fencingToken != newest || fencingToken <= 0)
            {
                throw new MemoryFencingException(resource, fencingToken, newest);
            }

            await write(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops nothing running (the provider has no timers of its own) and frees the gates.</summary>
    public void Dispose() => _gates.Dispose();

    internal async ValueTask<DateTimeOffset?> ExtendAsync(LockLease lease, TimeSpan ttl, CancellationToken cancellationToken)
    {
        using (await _gates.EnterAsync(lease.Resource, cancellationToken).ConfigureAwait(false))
        {
            var now = _time.GetUtcNow();
            var current = await ReadLeaseAsync(lease.Resource, cancellationToken).ConfigureAwait(false);
            if (current is null || current.LeaseId != lease.LeaseId || current.ExpiresAt <= now)
            {
                return null;
            }

            var extended = current with { ExpiresAt = now + ttl, TtlTicks = ttl.Ticks };
            await WriteLeaseAsync(lease.Resource, extended, cancellationToken).ConfigureAwait(false);
            return extended.ExpiresAt;
        }
    }

    internal async ValueTask<bool> ReleaseAsync(LockLease lease, CancellationToken cancellationToken)
    {
        using var gate = await _gates.EnterAsync(lease.Resource, cancellationToken).ConfigureAwait(false);
        var current = await ReadLeaseAsync(lease.Resource, cancellationToken).ConfigureAwait(false);
        if (current is null || current.LeaseId != lease.LeaseId)
        {
            return false;
        }

        await _store.DeleteAsync(LeaseKey(lease.Resource), cancellationToken).ConfigureAwait(false);
        _gates.Signal(gate.Stripe);
        return current.ExpiresAt > _time.GetUtcNow();
    }

    private async ValueTask<ILockLease> GrantAsync(string resource, TimeSpan ttl, string? owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var fenceKey = FenceKey(resource);
        var token = await _operations.IncrementAsync(fenceKey, 1, cancellationToken).ConfigureAwait(false);
        if (token == 1)
        {
            // The counter was just created, with default priority: give it Critical priority (which later increments
            // keep) so eviction takes it last. Safe under the gate: no other grant on the resource can run meanwhile.
            await _store.StoreAsync(fenceKey, token, new MemoryEntryOptions { Priority = MemoryPriority.Critical }, cancellationToken).ConfigureAwait(false);
        }

        var record = new LeaseRecord(Guid.NewGuid().ToString("N"), token, owner, now, now + ttl, ttl.Ticks);
        await WriteLeaseAsync(resource, record, cancellationToken).ConfigureAwait(false);
        return new LockLease(this, resource, record.LeaseId, token, record.ExpiresAt, ttl);
    }

    private ValueTask<LeaseRecord?> ReadLeaseAsync(string resource, CancellationToken cancellationToken)
        => StoredJson.ReadAsync(_store, LeaseKey(resource), LocksJsonContext.Default.LeaseRecord, cancellationToken);

    private ValueTask WriteLeaseAsync(string resource, LeaseRecord record, CancellationToken cancellationToken)
        => StoredJson.WriteAsync(
            _store,
            LeaseKey(resource),
            record,
            LocksJsonContext.Default.LeaseRecord,
            new MemoryEntryOptions { AbsoluteExpiration = record.ExpiresAt, Priority = MemoryPriority.Critical },
            cancellationToken);

    private string LeaseKey(string resource) => string.Concat(_options.KeyPrefix, "lease:", resource);

    private string FenceKey(string resource) => string.Concat(_options.KeyPrefix, "fence:", resource);

    private void ValidateResource([NotNull] string? resource)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        if (resource.Length > _maxResourceLength)
        {
            throw new ArgumentException($"A lock resource name may be at most {_maxResourceLength} characters long with the key prefix '{_options.KeyPrefix}'; this one has {resource.Length}.", nameof(resource));
        }
    }
}
