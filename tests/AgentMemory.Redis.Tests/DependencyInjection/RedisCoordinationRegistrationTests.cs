using AgentMemory.Redis.Connection;
using AgentMemory.Redis.Locks;
using AgentMemory.Redis.Streaming;
using AgentMemory.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.DependencyInjection;

/// <summary>AddRedisLocks / AddRedisStreaming: registrations, the shared connection, user registrations winning, validation.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisCoordinationRegistrationTests(RedisServerFixture fixture)
{
    [SkippableFact]
    public async Task LocksAndStreaming_ShareOneConnection_AndWork()
    {
        var services = new ServiceCollection();
        services.Configure<RedisMemoryOptions>(o =>
        {
            o.ConnectionString = fixture.Server.ConnectionString;
            o.KeyPrefix = RedisServerFixture.UniquePrefix("di");
        });
        var builder = services.AddAgentMemory();
        builder.AddRedisLocks(o => o.DefaultLeaseTtl = TimeSpan.FromMinutes(2)).AddRedisStreaming(o => o.ReadBatchSize = 16).Should().BeSameAs(builder);
        await using var provider = services.BuildServiceProvider();

        var locks = provider.GetRequiredService<IDistributedLockProvider>();
        var streaming = provider.GetRequiredService<IMemoryStreaming>();
        locks.Should().BeOfType<RedisDistributedLockProvider>();
        streaming.Should().BeOfType<RedisMemoryStreaming>();
        provider.GetServices<RedisConnectionProvider>().Should().ContainSingle();

        await using var lease = await locks.AcquireAsync("di-resource");
        (lease.ExpiresAt - provider.GetRequiredService<TimeProvider>().GetUtcNow()).Should().BeCloseTo(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1));
        var stream = await streaming.CreateStreamAsync();
        await using var subscription = await streaming.SubscribeAsync(stream);
        await using var changes = subscription.GetAsyncEnumerator();
        await streaming.PublishAsync("k", MemoryChangeType.Created);
        (await Streaming.StreamingTestContext.ReadAsync(changes, 1)).Single().Key.Should().Be("k");
    }

    [Fact]
    public void UserRegistrations_Win()
    {
        var services = new ServiceCollection();
        var mine = new DummyLocks();
        services.AddSingleton<IDistributedLockProvider>(mine);
        services.AddAgentMemory().AddRedisLocks();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IDistributedLockProvider>().Should().BeSameAs(mine);
    }

    [Fact]
    public void InvalidOptions_AreReportedByName()
    {
        var services = new ServiceCollection();
        services.AddAgentMemory().AddRedisLocks(o => o.MaxPollInterval = TimeSpan.Zero).AddRedisStreaming(o => o.ChangeLogMaxLength = 0);
        using var provider = services.BuildServiceProvider();

        var locks = () => provider.GetRequiredService<IOptions<RedisLockOptions>>().Value;
        var streaming = () => provider.GetRequiredService<IOptions<RedisStreamingOptions>>().Value;
        locks.Should().Throw<OptionsValidationException>().WithMessage("*RedisLockOptions.MaxPollInterval*");
        streaming.Should().Throw<OptionsValidationException>().WithMessage("*RedisStreamingOptions.ChangeLogMaxLength*");

        // The connection options (read by the store, locks and streaming alike) name their own problem.
        var valid = new ServiceCollection();
        valid.AddAgentMemory().AddRedisLocks().AddRedisStreaming();
        using var other = valid.BuildServiceProvider();
        var connection = () => other.GetRequiredService<IOptions<RedisMemoryOptions>>().Value;
        connection.Should().Throw<OptionsValidationException>().WithMessage("*RedisMemoryOptions.ConnectionString*");
    }

    [Fact]
    public async Task UnreachableServer_OperationsFailWithAStorageException()
    {
        var options = new RedisMemoryOptions { ConnectionString = "127.0.0.1:1", ConnectTimeout = TimeSpan.FromMilliseconds(200), OperationTimeout = TimeSpan.FromMilliseconds(300) };
        await using var connections = new RedisConnectionProvider(options);

        // The connection does not abort: it keeps trying in the background, and each operation fails clearly meanwhile.
        var connection = await connections.GetConnectionAsync();
        await using var locks = new RedisDistributedLockProvider(connection, options);
        await locks.Invoking(l => l.GetLockInfoAsync("r").AsTask()).Should().ThrowAsync<MemoryStorageException>().WithMessage("Redis failed while reading the lock on 'r'*");
    }

    private sealed class DummyLocks : IDistributedLockProvider
    {
        public ValueTask<ILockLease?> TryAcquireAsync(string resource, LockOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<ILockLease> AcquireAsync(string resource, LockOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<LockInfo?> GetLockInfoAsync(string resource, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask ExecuteFencedAsync(string resource, long fencingToken, Func<CancellationToken, ValueTask> write, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
