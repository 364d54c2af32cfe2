using AgentMemory.Redis.Storage;
using AgentMemory.Redis.Tests.Infrastructure;
using AgentMemory.Serialization;
using StackExchange.Redis;

namespace AgentMemory.Redis.Tests.Storage;

/// <summary>What the store writes to Redis: native types, the companion metadata hash, native expiry, scripts that survive a flush.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisMemoryStoreLayoutTests(RedisServerFixture fixture)
{
    [SkippableFact]
    public async Task Entries_AreNativeRedisTypes_WithACompanionMetadataHash()
    {
        var time = RedisStoreSubject.Clock();
        await using var store = RedisStoreSubject.Create(fixture, "layout", time);
        await using var redis = await RedisStoreSubject.ConnectAsync(fixture.Server);
        var db = redis.GetDatabase();
        var p = store.KeyPrefix;

        await store.StoreAsync("v", "text", new MemoryEntryOptions { Ttl = TimeSpan.FromMinutes(10), Priority = MemoryPriority.High });
        await store.SetHashFieldAsync("h", "f", 7);
        await store.AppendToListAsync("l", ["a", "b"]);
        await store.IncrementAsync("c", 41);
        await store.IncrementAsync("c");

        (await db.KeyTypeAsync(p + "d:v")).Should().Be(RedisType.String);
        ((byte[])(await db.StringGetAsync(p + "d:v"))!).Should().Equal(MessagePackMemorySerializer.Default.Serialize("text"));
        (await db.KeyTypeAsync(p + "d:h")).Should().Be(RedisType.Hash);
        ((byte[])(await db.HashGetAsync(p + "d:h", "f"))!).Should().Equal(MessagePackMemorySerializer.Default.Serialize(7));
        (await db.KeyTypeAsync(p + "d:l")).Should().Be(RedisType.List);
        (await db.ListLengthAsync(p + "d:l")).Should().Be(2);
        ((string?)await db.StringGetAsync(p + "d:c")).Should().Be("42");
        (await store.RetrieveAsync<long>("c")).Should().Be(42);

        var meta = (await db.HashGetAllAsync(p + "m:v")).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
        meta["k"].Should().Be("0");
        meta["p"].Should().Be("2");
        long.Parse(meta["x"]!).Should().Be((time.GetUtcNow() + TimeSpan.FromMinutes(10)).UtcTicks);
        var pexpire = (long)(await db.ExecuteAsync("PEXPIRETIME", p + "d:v"));
        pexpire.Should().Be((time.GetUtcNow() + TimeSpan.FromMinutes(10)).ToUnixTimeMilliseconds());
        (await db.SortedSetScoreAsync(p + "__expiry", "v")).Should().Be(pexpire);
        (await db.KeyTimeToLiveAsync(p + "d:h")).Should().BeNull();
    }

    [SkippableFact]
    public async Task Scripts_AreSentAgain_AfterTheServerForgetsThem()
    {
        await using var store = RedisStoreSubject.Create(fixture, "noscript");
        await store.StoreAsync("k", 1);
        var admin = ConfigurationOptions.Parse(fixture.Server.ConnectionString);
        admin.AllowAdmin = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(admin);

        await redis.GetServer(redis.GetEndPoints()[0]).ScriptFlushAsync();

        (await store.RetrieveAsync<int>("k")).Should().Be(1);
        (await store.IncrementAsync("n", 5)).Should().Be(5);
    }

    [SkippableFact]
    public async Task ExpiryPass_ReclaimsExpiredEntries_AndUpdatesTheSharedCounters()
    {
        var time = RedisStoreSubject.Clock();
        var options = RedisStoreSubject.Options(fixture.Server, RedisServerFixture.UniquePrefix("sweep"));
        options.ExpirationScanInterval = TimeSpan.FromDays(1);
        await using var store = new RedisMemoryStore(options, time);
        await store.StoreAsync("short", "x", new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(5) });
        await store.StoreAsync("kept", "y");
        (await store.GetStatisticsAsync()).EntryCount.Should().Be(2);

        time.Advance(TimeSpan.FromSeconds(6));
        (await store.ReclaimExpiredAsync()).Should().Be(1);

        var stats = await store.GetStatisticsAsync();
        stats.EntryCount.Should().Be(1);
        stats.Expirations.Should().Be(1);
        stats.BytesUsed.Should().Be((await store.GetEntryInfoAsync("kept"))!.SizeBytes);
        await using var redis = await RedisStoreSubject.ConnectAsync(fixture.Server);
        (await redis.GetDatabase().KeyExistsAsync(store.KeyPrefix + "m:short")).Should().BeFalse();
        (await redis.GetDatabase().SortedSetLengthAsync(store.KeyPrefix + "__expiry")).Should().Be(0);
    }

    [SkippableFact]
    public async Task AnEntryTheServerExpiredNatively_IsAbsent_AndReclaimed()
    {
        await using var store = RedisStoreSubject.Create(fixture, "native-expiry");
        await store.StoreAsync("k", "v", new MemoryEntryOptions { Ttl = TimeSpan.FromHours(1) });
        await using var redis = await RedisStoreSubject.ConnectAsync(fixture.Server);

        // As if the server's clock ran ahead: the value is gone, its metadata is still there.
        await redis.GetDatabase().KeyDeleteAsync(store.KeyPrefix + "d:k");

        (await store.ExistsAsync("k")).Should().BeFalse();
        (await redis.GetDatabase().KeyExistsAsync(store.KeyPrefix + "m:k")).Should().BeFalse();
        (await store.GetStatisticsAsync()).EntryCount.Should().Be(0);
    }

    [SkippableFact]
    public async Task ListKeysPageAsync_SmallPages_ReturnEveryKey_AndRejectForeignTokens()
    {
        await using var store = RedisStoreSubject.Create(fixture, "paging");
        var expected = Enumerable.Range(0, 300).Select(i => $"item:{i}").ToList();
        await store.ExecuteBatchAsync(expected.Select(k => MemoryBatchOperation.Store(k, 1)));
        await store.StoreAsync("other", 1);

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListKeysPageAsync("item:*", token, pageSize: 7);
            page.Keys.Count.Should().BeLessThanOrEqualTo(7);
            page.Keys.Should().BeInAscendingOrder(StringComparer.Ordinal);
            seen.AddRange(page.Keys);
            token = page.ContinuationToken;
        }
        while (token is not null);

        seen.Distinct().Should().BeEquivalentTo(expected);
        await store.Invoking(s => s.ListKeysPageAsync("*", "after:x").AsTask()).Should().ThrowAsync<ArgumentException>();
        await store.Invoking(s => s.ListKeysPageAsync("*", "redis:x").AsTask()).Should().ThrowAsync<ArgumentException>();
    }

    [SkippableFact]
    public async Task Glob_WithNonAsciiAndSpecialCharacters_MatchesLikeTheInProcessStore()
    {
        await using var store = RedisStoreSubject.Create(fixture, "glob[*]?\\");
        foreach (var key in new[] { "é:1", "é:22", "a[b", "a]b", "x\\y", "ü" })
        {
            await store.StoreAsync(key, 0);
        }

        (await store.ListKeysAsync("é:?")).Should().Equal("é:1");
        (await store.ListKeysAsync("a[[]*")).Should().Equal("a[b");
        (await store.ListKeysAsync(@"a\]b")).Should().Equal("a]b");
        (await store.ListKeysAsync(@"x\\*")).Should().Equal("x\\y");
        (await store.ListKeysAsync("?")).Should().Equal("ü");
    }
}
