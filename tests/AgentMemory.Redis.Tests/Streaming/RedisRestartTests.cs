using AgentMemory.Redis.Locks;
using AgentMemory.Redis.Streaming;
using AgentMemory.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Streaming;

/// <summary>
/// A redis-server (this test's own, so the shared one is not disturbed) is killed and started again: calls fail with
/// clear library exceptions while it is down, and a subscription resumes after its last change, without duplicates.
/// </summary>
public sealed class RedisRestartTests
{
    [SkippableFact]
    public async Task ServerRestart_FailsCallsClearly_ThenTheSubscriptionResumesWithoutDuplicates()
    {
        await using var server = await RedisServer.StartAsync();
        await using var writerConnection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        await using var readerConnection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var options = new RedisMemoryOptions { ConnectionString = server.ConnectionString, KeyPrefix = "restart:" };

        // Real time here: the reader's retry poll must run while the server is away (nothing asserts on durations).
        var settings = new RedisStreamingOptions { PollInterval = TimeSpan.FromMilliseconds(100) };
        await using var writer = new RedisMemoryStreaming(writerConnection, options, settings);
        await using var reader = new RedisMemoryStreaming(readerConnection, options, settings);
        await using var locks = new RedisDistributedLockProvider(writerConnection, options);
        var stream = await reader.CreateStreamAsync();
        await using var subscription = await reader.SubscribeAsync(stream);
        await using var changes = subscription.GetAsyncEnumerator();
        await writer.PublishAsync("before", MemoryChangeType.Created);
        (await StreamingTestContext.ReadAsync(changes, 1)).Single().Key.Should().Be("before");

        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        writerConnection.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                restored.TrySetResult();
            }
        };
        await server.StopAsync();

        await writer.Invoking(w => w.PublishAsync("while-down", MemoryChangeType.Created).AsTask())
            .Should().ThrowAsync<MemoryStreamException>().WithMessage("Redis failed while publishing a change of 'while-down'*");
        await locks.Invoking(l => l.GetLockInfoAsync("job").AsTask())
            .Should().ThrowAsync<MemoryStorageException>().WithMessage("Redis failed while reading the lock on 'job'*");
        await locks.Invoking(l => l.TryAcquireAsync("job", new LockOptions { WaitTimeout = TimeSpan.Zero }).AsTask())
            .Should().ThrowAsync<MemoryStorageException>().WithMessage("Redis failed while acquiring the lock on 'job'*");

        await server.StartAgainAsync();
        await restored.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await writer.PublishAsync("after", MemoryChangeType.Created);
        await writer.PublishAsync("after-2", MemoryChangeType.Updated);

        (await StreamingTestContext.ReadAsync(changes, 2)).Select(c => c.Key).Should().Equal("after", "after-2");
        await using var lease = await locks.AcquireAsync("job", new LockOptions { WaitTimeout = TimeSpan.Zero });
        lease.FencingToken.Should().BePositive();
    }
}
