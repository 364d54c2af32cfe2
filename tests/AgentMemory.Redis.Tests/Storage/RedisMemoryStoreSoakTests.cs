using AgentMemory.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Storage;

/// <summary>Many concurrent writers of every kind on few keys: afterwards the shared counters and the layout must be exact.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisMemoryStoreSoakTests(RedisServerFixture fixture)
{
    [SkippableFact]
    public async Task ConcurrentMixedWrites_KeepCountersAndCompanionsExact()
    {
        await using var store = RedisStoreSubject.Create(fixture, "soak");
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            await start.Task;
            var random = new Random(worker);
            for (var i = 0; i < 150; i++)
            {
                var key = $"k{random.Next(8)}";
                try
                {
                    switch (random.Next(7))
                    {
                        case 0:
                            await store.StoreAsync(key, new string('v', random.Next(1, 50)), random.Next(2) == 0 ? null : new MemoryEntryOptions { Ttl = TimeSpan.FromHours(1), Metadata = new Dictionary<string, MetadataValue> { ["w"] = worker } });
                            break;
                        case 1:
                            await store.DeleteAsync(key);
                            break;
                        case 2:
                            await store.IncrementAsync(key, random.Next(-1000, 1000));
                            break;
                        case 3:
                            await store.SetHashFieldAsync(key, $"f{random.Next(3)}", new string('h', random.Next(1, 20)));
                            break;
                        case 4:
                            await store.DeleteHashFieldAsync(key, $"f{random.Next(3)}");
                            break;
                        case 5:
                            await store.AppendToListAsync(key, Enumerable.Repeat("item", random.Next(0, 3)));
                            break;
                        default:
                            await store.UpdateMetadataAsync(key, new Dictionary<string, MetadataValue> { ["n"] = i });
                            break;
                    }
                }
                catch (MemoryTypeMismatchException)
                {
                    // Expected: another worker changed the key's kind.
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(workers);

        await using var redis = await RedisStoreSubject.ConnectAsync(fixture.Server);
        var db = redis.GetDatabase();
        var metaKeys = new List<string>();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        await foreach (var key in server.KeysAsync(pattern: store.KeyPrefix + "m:*"))
        {
            metaKeys.Add((string)key!);
        }

        long bytes = 0;
        foreach (var metaKey in metaKeys)
        {
            var userKey = metaKey[(store.KeyPrefix.Length + 2)..];
            (await db.KeyExistsAsync(store.KeyPrefix + "d:" + userKey)).Should().BeTrue($"{userKey} has a value for its companion");
            var info = (await store.GetEntryInfoAsync(userKey))!;
            bytes += info.SizeBytes;
            info.SizeBytes.Should().Be(await RecomputeSizeAsync(db, store.KeyPrefix, userKey, info.Kind), $"{userKey}'s size is kept exactly");
        }

        var stats = await store.GetStatisticsAsync();
        stats.EntryCount.Should().Be(metaKeys.Count);
        stats.BytesUsed.Should().Be(bytes);
        (await store.ListKeysAsync(limit: 100)).Should().HaveCount(metaKeys.Count);
    }

    /// <summary>An entry's size from what Redis holds: key, payload (as the in-process store charges it) and metadata.</summary>
    private static async Task<long> RecomputeSizeAsync(IDatabase db, string prefix, string key, MemoryEntryKind kind)
    {
        RedisKey data = prefix + "d:" + key;
        long payload = kind switch
        {
            MemoryEntryKind.Value => await db.StringLengthAsync(data),
            MemoryEntryKind.Hash => (await db.HashGetAllAsync(data)).Sum(e => (2L * ((string)e.Name!).Length) + ((byte[])e.Value!).Length),
            _ => (await db.ListRangeAsync(data)).Sum(v => (long)((byte[])v!).Length),
        };
        var metadata = (byte[]?)await db.HashGetAsync(prefix + "m:" + key, "m");
        return (2L * key.Length) + payload + (metadata?.Length ?? 0);
    }
}
