using AgentMemory.Redis.Connection;
using AgentMemory.Redis.Tests.Infrastructure;
using AgentMemory.Redis.Tests.Streaming;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMemory.Redis.Tests.DependencyInjection;

/// <summary>
/// AddRedis + AddRedisStreaming in two hosts (as two processes would have them): the store's mutations in one host
/// reach a subscriber in the other, in order, with their values, and a late subscriber replays them.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisStoreChangeStreamTests(RedisServerFixture fixture)
{
    [SkippableFact]
    public async Task StoreMutations_InOneHost_ReachASubscriberInAnother_AndReplay()
    {
        var prefix = RedisServerFixture.UniquePrefix("store-stream");
        await using var writerHost = Build(prefix);
        await using var watcherHost = Build(prefix);
        var store = writerHost.GetRequiredService<IMemoryStore>();
        var operations = writerHost.GetRequiredService<IMemoryOperations>();
        var streaming = watcherHost.GetRequiredService<IMemoryStreaming>();
        writerHost.GetServices<RedisConnectionProvider>().Should().ContainSingle("the store, locks and streaming share one connection");

        var stream = await streaming.CreateStreamAsync(new MemoryStreamOptions { KeyPattern = "task:*" });
        await using var live = await streaming.SubscribeAsync(stream);
        await using var changes = live.GetAsyncEnumerator();

        await store.StoreAsync("task:1", "queued");
        await store.StoreAsync("other", "ignored by the filter");
        await store.StoreAsync("task:1", "running");
        await operations.SetHashAsync("task:2", new Dictionary<string, string> { ["owner"] = "agent-7" });
        await store.DeleteAsync("task:1");

        var seen = await StreamingTestContext.ReadAsync(changes, 4);
        seen.Select(c => (c.Key, c.ChangeType)).Should().Equal(
            ("task:1", MemoryChangeType.Created),
            ("task:1", MemoryChangeType.Updated),
            ("task:2", MemoryChangeType.Created),
            ("task:1", MemoryChangeType.Deleted));
        seen.Select(c => c.Sequence).Should().BeInAscendingOrder();
        var serializer = writerHost.GetRequiredService<AgentMemory.Redis.Storage.RedisMemoryStore>().Serializer;
        serializer.Deserialize<string>(seen[1].NewValue!.Value.ToArray()).Should().Be("running");

        // A subscriber that comes later replays from the first change, then follows live.
        await using var late = await streaming.SubscribeAsync(stream, new MemorySubscriptionOptions { FromSequence = seen[0].Sequence });
        await using var replay = late.GetAsyncEnumerator();
        await store.StoreAsync("task:3", "new");
        (await StreamingTestContext.ReadAsync(replay, 5)).Select(c => c.Key).Should().Equal("task:1", "task:1", "task:2", "task:1", "task:3");
    }

    private ServiceProvider Build(string prefix)
    {
        var services = new ServiceCollection();
        services.AddAgentMemory()
            .AddRedis(o =>
            {
                o.ConnectionString = fixture.Server.ConnectionString;
                o.KeyPrefix = prefix;
            })
            .AddRedisStreaming()
            .AddRedisLocks();
        return services.BuildServiceProvider();
    }
}
