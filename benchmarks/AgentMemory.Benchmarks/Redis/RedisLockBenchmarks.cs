using AgentMemory.Redis;
using AgentMemory.Redis.Locks;
using BenchmarkDotNet.Attributes;
using StackExchange.Redis;

namespace AgentMemory.Benchmarks.Redis;

/// <summary>
/// Redis locks: one uncontended acquire + release through <see cref="RedisDistributedLockProvider"/>, against the raw
/// <c>SET key id NX PX</c> + <c>DEL</c> a StackExchange.Redis user would write (no fencing token, no safe release).
/// Needs a running redis-server (<c>AGENTMEMORY_REDIS</c>, default <c>localhost:6379</c>).
/// </summary>
/// <remarks>
/// Both are two round trips; the provider's scripts also INCR the fencing counter, write a hash and compare the lease
/// id on release, and release publishes a notification.
/// </remarks>
[MemoryDiagnoser]
public class RedisLockBenchmarks
{
    private static readonly LockOptions Options = new() { LeaseTtl = TimeSpan.FromSeconds(30), WaitTimeout = TimeSpan.Zero };
    private ConnectionMultiplexer _connection = null!;
    private IDatabase _database = null!;
    private RedisDistributedLockProvider _locks = null!;
    private readonly RedisKey _rawKey = "bench:raw-lock:" + Guid.NewGuid().ToString("N");

    [GlobalSetup]
    public void Setup()
    {
        _connection = ConnectionMultiplexer.Connect(RedisBenchmarkServer.ConnectionString);
        _database = _connection.GetDatabase();
        _locks = new RedisDistributedLockProvider(_connection, new RedisMemoryOptions { ConnectionString = RedisBenchmarkServer.ConnectionString, KeyPrefix = $"bench:{Guid.NewGuid():N}:" });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _locks.Dispose();
        _connection.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw SET NX PX + DEL")]
    public async Task RawSetNxPxThenDelete()
    {
        if (!await _database.StringSetAsync(_rawKey, "holder", TimeSpan.FromSeconds(30), When.NotExists))
        {
            throw new InvalidOperationException("The raw lock was not free.");
        }

        await _database.KeyDeleteAsync(_rawKey);
    }

    [Benchmark(Description = "RedisDistributedLockProvider acquire + release")]
    public async Task AcquireThenRelease()
    {
        var lease = await _locks.TryAcquireAsync("bench", Options) ?? throw new InvalidOperationException("The lock was not free.");
        await lease.ReleaseAsync();
    }
}
