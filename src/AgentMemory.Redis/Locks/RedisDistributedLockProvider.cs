using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using AgentMemory.Redis.Connection;
using StackExchange.Redis;

namespace AgentMemory.Redis.Locks;

/// <summary>
/// An <see cref="IDistributedLockProvider"/> on one Redis server, shared by every process that uses the same server,
/// database and key prefix: a lease is a Redis hash taken with a <c>SET NX PX</c>-style script under a random lease id,
/// released and extended by scripts that compare that id, and every grant takes its fencing token from an
/// <c>INCR</c> counter that never expires, so tokens only grow, across lease expiry and across processes.
/// </summary>
/// <remarks>
/// <para>
/// Logical time comes from the injected <see cref="TimeProvider"/>: lease expiry instants are written by the granting
/// client's clock and compared with the calling client's clock, so the clients' clocks must be roughly synchronized
/// (NTP); Redis' own expiry (<c>PEXPIRE</c> with the lease length) only reclaims memory. A single Redis node gives
/// mutual exclusion only while it keeps its data: after a failover to a replica that missed the latest writes, or a
/// restart without persistence, two holders can overlap. Protect the resource itself with the fencing token (see
/// <c>docs/scale-out.md</c>, "Redis locks").
/// </para>
/// <para>
/// Waiting does not spin: a waiter sleeps until a release notification (pub/sub on <c>{prefix}__lock:released</c>)
/// wakes it, the holder's lease runs out, its own wait timeout passes, or a fallback poll comes due (10 ms doubling up
/// to <see cref="RedisLockOptions.MaxPollInterval"/>), whichever is first. Grants are not FIFO-fair.
/// </para>
/// <para>Thread-safe. Dispose it after every call has completed; it does not dispose the connection.</para>
/// </remarks>
public sealed class RedisDistributedLockProvider : IDistributedLockProvider, IAsyncDisposable, IDisposable
{
    private const int StripeCount = 64;
    private static readonly TimeSpan MaxSleep = TimeSpan.FromDays(1);
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(10);

    private readonly IConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly TimeProvider _time;
    private readonly RedisLockOptions _options;
    private readonly string _prefix;
    private readonly RedisChannel _releasedChannel;
    private readonly string _releasedChannelName;
    private readonly AsyncSignal[] _signals;
    private readonly object _subscribeGate = new();
    private Task? _subscribed;
    private readonly int _maxResourceLength;
    private int _disposed;

    /// <summary>Creates a provider over an open connection.</summary>
    /// <param name="connection">The Redis connection; shared, not owned (the caller disposes it after the provider).</param>
    /// <param name="options">Database and key prefix; copied now.</param>
    /// <param name="lockOptions">Defaults and polling; copied now; null for the defaults.</param>
    /// <param name="timeProvider">The logical clock of leases and waits; null for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public RedisDistributedLockProvider(IConnectionMultiplexer connection, RedisMemoryOptions options, RedisLockOptions? lockOptions = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        lockOptions ??= new RedisLockOptions();
        var errors = lockOptions.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(lockOptions));
        }

        if (options.KeyPrefix is null || options.Database < 0)
        {
            throw new ArgumentException(string.Join(" ", options.Validate()), nameof(options));
        }

        _connection = connection;
        _database = connection.GetDatabase(options.Database);
        _options = lockOptions.Clone();
        _time = timeProvider ?? TimeProvider.System;
        _prefix = options.KeyPrefix + "__lock:";
        _releasedChannelName = _prefix + "released";
        _releasedChannel = RedisChannel.Literal(_releasedChannelName);
        _signals = new AsyncSignal[StripeCount];
        for (var i = 0; i < _signals.Length; i++)
        {
            _signals[i] = new AsyncSignal();
        }

        _maxResourceLength = MemoryKey.MaxLength;
    }

    /// <inheritdoc />
    public async ValueTask<ILockLease?> TryAcquireAsync(string resource, LockOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateResource(resource);
        var ttl = options?.LeaseTtl ?? _options.DefaultLeaseTtl;
        var wait = options?.WaitTimeout ?? _options.DefaultWaitTimeout;
        if (ttl <= TimeSpan.Zero || ttl > RedisLockOptions.MaxLeaseTtl)
        {
            throw new ArgumentException($"{nameof(LockOptions)}.{nameof(LockOptions.LeaseTtl)} must be positive and at most {RedisLockOptions.MaxLeaseTtl.TotalDays} days; it is {ttl}.", nameof(options));
        }

        if (wait < TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"{nameof(LockOptions)}.{nameof(LockOptions.WaitTimeout)} must be zero, positive or Timeout.InfiniteTimeSpan; it is {wait}.", nameof(options));
        }

        // The deadline is fixed before the first round trip, so time that passes meanwhile counts against the wait.
        var start = _time.GetUtcNow();
        var deadline = wait == Timeout.InfiniteTimeSpan || wait >= DateTimeOffset.MaxValue - start ? DateTimeOffset.MaxValue : start + wait;
        var owner = options?.Owner is { } name ? "=" + name : string.Empty;
        var leaseKey = Key("lease:", resource);
        var fenceKey = Key("fence:", resource);
        var guardKey = Key("guard:", resource);
        var signal = Signal(resource);
        var poll = FirstPoll;
        if (wait != TimeSpan.Zero)
        {
            await EnsureSubscribedAsync().ConfigureAwait(false);
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wake = signal.Current;
            var now = _time.GetUtcNow();
            var leaseId = Guid.NewGuid().ToString("N");
            var expiry = now + ttl;
            var result = (RedisResult[])(await EvaluateAsync(
                LockScripts.Acquire,
                [leaseKey, fenceKey, guardKey],
                [Ms(now), Ms(expiry), (long)Math.Ceiling(ttl.TotalMilliseconds), leaseId, owner],
                $"acquiring the lock on '{resource}'").ConfigureAwait(false))!;
            if ((long)result[0] == 1)
            {
                return new RedisLockLease(this, resource, leaseId, (long)result[1], expiry, ttl);
            }

            // Time may have moved during the round trip: decide (and size the sleep) on the clock as it is now, or a
            // wait measured from the stale reading could start after the deadline has already passed.
            now = _time.GetUtcNow();
            if (now >= deadline)
            {
                return null;
            }

            var blockedUntil = DateTimeOffset.FromUnixTimeMilliseconds((long)result[1]);
            var until = blockedUntil < deadline ? blockedUntil : deadline;
            var sleep = until - now;
            sleep = sleep > poll ? poll : sleep;
            sleep = sleep > MaxSleep ? MaxSleep : sleep;
            poll = poll * 2 > _options.MaxPollInterval ? _options.MaxPollInterval : poll * 2;
            if (sleep <= TimeSpan.Zero)
            {
                continue;
            }

            try
            {
                await wake.WaitAsync(sleep, _time, cancellationToken).ConfigureAwait(false);
                poll = FirstPoll;
            }
            catch (TimeoutException)
            {
                // A lease, the wait or a poll interval ran out: look again.
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
    /// <exception cref="MemoryStorageException">Redis could not be reached or failed.</exception>
    public async ValueTask<LockInfo?> GetLockInfoAsync(string resource, CancellationToken cancellationToken = default)
    {
        ValidateResource(resource);
        cancellationToken.ThrowIfCancellationRequested();
        HashEntry[] fields;
        try
        {
            fields = await _database.HashGetAllAsync(Key("lease:", resource)).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsRedisFailure(ex))
        {
            throw RedisFailures.Storage($"reading the lock on '{resource}'", ex);
        }

        string? id = null;
        string? owner = null;
        long token = 0, acquired = 0, expires = 0;
        foreach (var field in fields)
        {
            switch ((string?)field.Name)
            {
                case "id": id = field.Value; break;
                case "own": owner = field.Value; break;
                case "tok": token = (long)field.Value; break;
                case "acq": acquired = (long)field.Value; break;
                case "exp": expires = (long)field.Value; break;
            }
        }

        return id is null || expires <= Ms(_time.GetUtcNow())
            ? null
            : new LockInfo(resource, id, token, owner, DateTimeOffset.FromUnixTimeMilliseconds(acquired), DateTimeOffset.FromUnixTimeMilliseconds(expires));
    }

    /// <inheritdoc />
    /// <remarks>
    /// The token check and a guard that holds off new grants on the resource are placed by one script; the guard is
    /// dropped when the write completes, or at the latest after <see cref="RedisLockOptions.FencedWriteTimeout"/>.
    /// Fenced writes of one resource run one at a time, across processes.
    /// </remarks>
    /// <exception cref="MemoryStorageException">Redis could not be reached or failed.</exception>
    public async ValueTask ExecuteFencedAsync(string resource, long fencingToken, Func<CancellationToken, ValueTask> write, CancellationToken cancellationToken = default)
    {
        ValidateResource(resource);
        ArgumentNullException.ThrowIfNull(write);
        var fenceKey = Key("fence:", resource);
        var guardKey = Key("guard:", resource);
        var guardId = Guid.NewGuid().ToString("N");
        var signal = Signal(resource);
        var poll = FirstPoll;
        var subscribed = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wake = signal.Current;
            var now = _time.GetUtcNow();
            var result = (RedisResult[])(await EvaluateAsync(
                LockScripts.BeginFenced,
                [fenceKey, guardKey],
                [fencingToken, guardId, Ms(now), Ms(now + _options.FencedWriteTimeout), (long)Math.Ceiling(_options.FencedWriteTimeout.TotalMilliseconds)],
                $"checking the fencing token of '{resource}'").ConfigureAwait(false))!;
            var outcome = (long)result[0];
            if (outcome == 0)
            {
                throw new MemoryFencingException(resource, fencingToken, (long)result[1]);
            }

            if (outcome == 1)
            {
                break;
            }

            // Another fenced write of this resource (same token, another flow) is running: wait for it to finish.
            if (!subscribed)
            {
                await EnsureSubscribedAsync().ConfigureAwait(false);
                subscribed = true;
                continue;
            }

            var sleep = DateTimeOffset.FromUnixTimeMilliseconds((long)result[1]) - _time.GetUtcNow();
            sleep = sleep > poll ? poll : sleep;
            poll = poll * 2 > _options.MaxPollInterval ? _options.MaxPollInterval : poll * 2;
            if (sleep > TimeSpan.Zero)
            {
                try
                {
                    await wake.WaitAsync(sleep, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // The guard or a poll interval ran out: look again.
                }
            }
        }

        try
        {
            await write(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await EvaluateAsync(LockScripts.EndFenced, [guardKey], [guardId, _releasedChannelName, resource], $"ending the fenced write to '{resource}'").ConfigureAwait(false);
            }
            catch (MemoryStorageException)
            {
                // The write itself is done; the guard runs out after FencedWriteTimeout on its own.
            }

            Signal(resource).Set();
        }
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking until it completes (for containers that dispose synchronously).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Stops listening for release notifications. It does not dispose the connection.</summary>
    /// <returns>A task that completes when the subscription is removed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || Volatile.Read(ref _subscribed) is null)
        {
            return;
        }

        try
        {
            await _connection.GetSubscriber().UnsubscribeAsync(_releasedChannel).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsRedisFailure(ex))
        {
            // The server is gone; so is the subscription.
        }
    }

    internal async ValueTask<DateTimeOffset?> ExtendAsync(RedisLockLease lease, TimeSpan ttl, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var expiry = now + ttl;
        var extended = (long)(await EvaluateAsync(
            LockScripts.Extend,
            [Key("lease:", lease.Resource)],
            [lease.LeaseId, Ms(now), Ms(expiry), (long)Math.Ceiling(ttl.TotalMilliseconds)],
            $"extending the lock on '{lease.Resource}'").ConfigureAwait(false));
        return extended == 1 ? expiry : null;
    }

    internal async ValueTask<bool> ReleaseAsync(RedisLockLease lease, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var released = (long)(await EvaluateAsync(
            LockScripts.Release,
            [Key("lease:", lease.Resource)],
            [lease.LeaseId, Ms(_time.GetUtcNow()), _releasedChannelName, lease.Resource],
            $"releasing the lock on '{lease.Resource}'").ConfigureAwait(false));

        // Wake this process' waiters now; other processes hear the PUBLISH of the script.
        Signal(lease.Resource).Set();
        return released == 1;
    }

    private static long Ms(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

    private async Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values, string operation)
    {
        try
        {
            return await _database.ScriptEvaluateAsync(script, keys, values).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsRedisFailure(ex))
        {
            throw RedisFailures.Storage(operation, ex);
        }
    }

    private async Task EnsureSubscribedAsync()
    {
        Task subscribed;
        lock (_subscribeGate)
        {
            // A failed attempt (Redis was down) is retried by the next waiter; a successful one is kept, and
            // StackExchange.Redis renews it by itself after a reconnect.
            if (_subscribed is null || _subscribed.IsFaulted || _subscribed.IsCanceled)
            {
                _subscribed = SubscribeAsync();
            }

            subscribed = _subscribed;
        }

        try
        {
            await subscribed.ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsRedisFailure(ex))
        {
            throw RedisFailures.Storage("subscribing to lock release notifications", ex);
        }
    }

    private Task SubscribeAsync() => _connection.GetSubscriber().SubscribeAsync(
        _releasedChannel,
        (_, message) =>
        {
            if (message.HasValue)
            {
                Signal(message!).Set();
            }
        });

    private AsyncSignal Signal(string resource) => _signals[(int)((uint)StringComparer.Ordinal.GetHashCode(resource) % StripeCount)];

    private RedisKey Key(string kind, string resource) => string.Concat(_prefix, kind, resource);

    private void ValidateResource([NotNull] string? resource)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        if (resource.Length > _maxResourceLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"A lock resource name may be at most {_maxResourceLength} characters long; this one has {resource.Length}."), nameof(resource));
        }
    }
}
