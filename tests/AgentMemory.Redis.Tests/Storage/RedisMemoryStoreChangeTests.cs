using AgentMemory.Redis.Tests.Infrastructure;
using AgentMemory.Serialization;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Storage;

/// <summary>With <see cref="RedisMemoryOptions.PublishChanges"/>, every mutation appends its change record to the stream, read here with XRANGE.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisMemoryStoreChangeTests(RedisServerFixture fixture)
{
    private static readonly MessagePackMemorySerializer Serializer = MessagePackMemorySerializer.Default;

    [SkippableFact]
    public async Task Mutations_AppendChangeRecords_InOrder_WithTheAgreedFields()
    {
        var time = RedisStoreSubject.Clock();
        await using var store = RedisStoreSubject.Create(fixture, "changes", time, publishChanges: true);
        await using var redis = await RedisStoreSubject.ConnectAsync(fixture.Server);
        var notified = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(store.KeyPrefix + "__changes:notify"), (_, seq) => notified.TrySetResult((long)seq));
        var metadata = new Dictionary<string, MetadataValue> { ["by"] = "test" };

        await store.StoreAsync("a", "one", new MemoryEntryOptions { Metadata = metadata });
        await store.StoreAsync("a", "two");
        await store.IncrementAsync("c", 5);
        await store.SetHashFieldAsync("h", "f", 1);
        await store.AppendToListAsync("l", [1]);
        await store.DeleteAsync("a");
        await store.StoreAsync("t", "short", new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(5) });
        time.Advance(TimeSpan.FromSeconds(6));
        (await store.ExistsAsync("t")).Should().BeFalse();
        await store.DeleteAsync("absent");

        var entries = await redis.GetDatabase().StreamRangeAsync(store.KeyPrefix + "__changes");
        var records = entries.Select(e => e.Values.ToDictionary(v => (string)v.Name!, v => v.Value)).ToList();
        records.Select(r => (long)r["seq"]).Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
        records.Select(r => (string?)r["key"]).Should().Equal("a", "a", "c", "h", "l", "a", "t", "t");
        records.Select(r => (MemoryChangeType)(int)r["type"]).Should().Equal(
            MemoryChangeType.Created,
            MemoryChangeType.Updated,
            MemoryChangeType.Created,
            MemoryChangeType.Created,
            MemoryChangeType.Created,
            MemoryChangeType.Deleted,
            MemoryChangeType.Created,
            MemoryChangeType.Expired);
        ((byte[])records[0]["new"]!).Should().Equal(Serializer.Serialize("one"));
        MessagePack.MessagePackSerializer.Deserialize<Dictionary<string, string>>((byte[])records[0]["meta"]!).Should().Equal(new Dictionary<string, string> { ["by"] = "test" });
        records[0].Should().NotContainKey("old");
        ((byte[])records[1]["old"]!).Should().Equal(Serializer.Serialize("one"));
        ((byte[])records[1]["new"]!).Should().Equal(Serializer.Serialize("two"));
        ((byte[])records[5]["old"]!).Should().Equal(Serializer.Serialize("two"));
        records[5].Should().NotContainKey("new");
        ((byte[])records[7]["old"]!).Should().Equal(Serializer.Serialize("short"));
        ((long)records[0]["ts"]).Should().Be(time.GetUtcNow().ToUnixTimeMilliseconds() - 6000);
        ((long)records[7]["ts"]).Should().Be(time.GetUtcNow().ToUnixTimeMilliseconds());
        (await redis.GetDatabase().StringGetAsync(store.KeyPrefix + "__changes:seq")).Should().Be(8);
        (await notified.Task.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeInRange(1, 8);
    }

    [SkippableFact]
    public async Task Publishing_IsOffByDefault_AndTheStreamIsTrimmedToTheConfiguredLength()
    {
        await using var quiet = RedisStoreSubject.Create(fixture, "no-changes");
        await quiet.StoreAsync("k", 1);
        var options = RedisStoreSubject.Options(fixture.Server, RedisServerFixture.UniquePrefix("trimmed"), publishChanges: true);
        options.ChangeLogMaxLength = 10;
        await using var trimmed = new AgentMemory.Redis.Storage.RedisMemoryStore(options, RedisStoreSubject.Clock());
        await trimmed.ExecuteBatchAsync(Enumerable.Range(0, 1000).Select(i => MemoryBatchOperation.Store($"k{i}", i)));
        await using var redis = await RedisStoreSubject.ConnectAsync(fixture.Server);

        (await redis.GetDatabase().KeyExistsAsync(quiet.KeyPrefix + "__changes")).Should().BeFalse();
        (await redis.GetDatabase().StreamLengthAsync(trimmed.KeyPrefix + "__changes")).Should().BeLessThan(1000);
        (await redis.GetDatabase().StringGetAsync(trimmed.KeyPrefix + "__changes:seq")).Should().Be(1000);
    }
}
