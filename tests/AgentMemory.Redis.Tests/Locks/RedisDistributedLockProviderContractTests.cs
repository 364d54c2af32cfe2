using AgentMemory.Conformance;
using AgentMemory.Redis.Locks;
using AgentMemory.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Locks;

/// <summary>The lock contract, unchanged, against <see cref="RedisDistributedLockProvider"/> on a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisDistributedLockProviderContractTests(RedisServerFixture fixture) : DistributedLockProviderContractTests
{
    /// <inheritdoc />
    protected override async ValueTask<ConformanceSubject<IDistributedLockProvider>> CreateSubjectAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(fixture.Server.ConnectionString);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new RedisMemoryOptions { ConnectionString = fixture.Server.ConnectionString, KeyPrefix = RedisServerFixture.UniquePrefix("locks") };
        var provider = new RedisDistributedLockProvider(connection, options, timeProvider: time);
        return new ConformanceSubject<IDistributedLockProvider>(
            provider,
            by =>
            {
                time.Advance(by);
                return default;
            },
            async () =>
            {
                await provider.DisposeAsync();
                await connection.DisposeAsync();
            });
    }
}
