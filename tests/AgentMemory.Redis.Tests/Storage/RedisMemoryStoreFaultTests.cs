using AgentMemory.Redis.Storage;
using AgentMemory.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Storage;

/// <summary>A server killed mid-run: clear storage errors while it is down, recovery on the same store after it returns.</summary>
public sealed class RedisMemoryStoreFaultTests
{
    [SkippableFact]
    public async Task ServerKilled_OperationsFailClearly_ThenRecoverOnTheSameStore()
    {
        await using var server = await RedisServer.StartAsync();
        var configuration = ConfigurationOptions.Parse(server.ConnectionString);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new LinearRetry(100);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        await using var store = new RedisMemoryStore(connection, new RedisMemoryOptions { KeyPrefix = "fault:" }, RedisStoreSubject.Clock());
        await store.StoreAsync("k", "before");

        await server.StopAsync();
        var failures = new Func<Task>[]
        {
            async () => await store.RetrieveAsync<string>("k"),
            async () => await store.StoreAsync("k", "during"),
            async () => await store.IncrementAsync("n"),
            async () => await store.ListKeysAsync(),
            async () => await store.GetStatisticsAsync(),
            async () => await store.ClearAsync(),
        };
        foreach (var failure in failures)
        {
            var error = (await failure.Should().ThrowAsync<MemoryStorageException>()).Which;
            error.Message.Should().Contain($"127.0.0.1:{server.Port}");
            error.InnerException.Should().NotBeNull();
        }

        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                restored.TrySetResult();
            }
        };
        await server.StartAgainAsync();
        await restored.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // The server restarted empty (no persistence) and without the scripts: the same store works again.
        (await store.RetrieveAsync<string>("k")).Should().BeNull();
        await store.StoreAsync("k", "after");
        (await store.RetrieveAsync<string>("k")).Should().Be("after");
        (await store.IncrementAsync("n", 2)).Should().Be(2);
    }

    [SkippableFact]
    public async Task StoreCreatedWhileTheServerIsDown_FailsClearly()
    {
        await using var server = await RedisServer.StartAsync();
        await server.StopAsync();
        await using var store = new RedisMemoryStore(
            new RedisMemoryOptions { ConnectionString = server.ConnectionString, ConnectTimeout = TimeSpan.FromMilliseconds(200), OperationTimeout = TimeSpan.FromMilliseconds(200) },
            RedisStoreSubject.Clock());

        var read = async () => await store.RetrieveAsync<string>("k");

        (await read.Should().ThrowAsync<MemoryStorageException>()).Which.Message.Should().Contain("read").And.Contain($"{server.Port}");
    }
}
