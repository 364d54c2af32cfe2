using AgentMemory.Redis.Storage;
using AgentMemory.Redis.Tests.Infrastructure;

namespace AgentMemory.Redis.Tests.Storage;

/// <summary>Two store instances, each with its own connection (as two processes would have), on one server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisMemoryStoreSharingTests(RedisServerFixture fixture)
{
    [SkippableFact]
    public async Task TwoInstances_OnOnePrefix_SeeEachOthersWritesTtlsAndCounters()
    {
        var prefix = RedisServerFixture.UniquePrefix("shared");
        var clockA = RedisStoreSubject.Clock();
        var clockB = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(clockA.GetUtcNow());
        await using var a = new RedisMemoryStore(RedisStoreSubject.Options(fixture.Server, prefix), clockA);
        await using var b = new RedisMemoryStore(RedisStoreSubject.Options(fixture.Server, prefix), clockB);
        a.Connection.Should().NotBeSameAs(b.Connection);

        await a.StoreAsync("profile", "from A", new MemoryEntryOptions { Metadata = new Dictionary<string, MetadataValue> { ["v"] = 1 } });
        (await b.RetrieveAsync<string>("profile")).Should().Be("from A");
        (await b.GetMetadataAsync("profile"))!["v"].Should().Be((MetadataValue)1);
        await b.SetHashFieldAsync("h", "f", "from B");
        (await a.GetHashFieldAsync<string>("h", "f")).Value.Should().Be("from B");

        await a.StoreAsync("session", "s", new MemoryEntryOptions { Ttl = TimeSpan.FromSeconds(10) });
        (await b.GetEntryInfoAsync("session"))!.ExpiresAt.Should().Be(clockA.GetUtcNow() + TimeSpan.FromSeconds(10));
        clockA.Advance(TimeSpan.FromSeconds(11));
        clockB.Advance(TimeSpan.FromSeconds(11));
        (await b.ExistsAsync("session")).Should().BeFalse();
        (await a.ExistsAsync("session")).Should().BeFalse();

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = new[] { a, b }.SelectMany(store => Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < 100; i++)
            {
                await store.IncrementAsync("hits");
            }
        }))).ToArray();
        start.SetResult();
        await Task.WhenAll(workers);
        (await a.RetrieveAsync<long>("hits")).Should().Be(800);

        await a.StoreAsync("state", "pending");
        var swaps = await Task.WhenAll(
            a.CompareAndSwapAsync("state", "pending", "A").AsTask(),
            b.CompareAndSwapAsync("state", "pending", "B").AsTask());
        swaps.Count(s => s).Should().Be(1);

        (await a.GetStatisticsAsync()).EntryCount.Should().Be((await b.GetStatisticsAsync()).EntryCount).And.Be(4);
    }

    [SkippableFact]
    public async Task ConcurrentMetadataMerges_FromTwoInstances_LoseNoField()
    {
        var prefix = RedisServerFixture.UniquePrefix("merge");
        await using var a = new RedisMemoryStore(RedisStoreSubject.Options(fixture.Server, prefix), RedisStoreSubject.Clock());
        await using var b = new RedisMemoryStore(RedisStoreSubject.Options(fixture.Server, prefix), RedisStoreSubject.Clock());
        await a.StoreAsync("doc", "body");

        await Task.WhenAll(new[] { (Store: a, Name: "a"), (Store: b, Name: "b") }.Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                (await w.Store.UpdateMetadataAsync("doc", new Dictionary<string, MetadataValue> { [$"{w.Name}{i}"] = i })).Should().BeTrue();
            }
        })));

        var metadata = await a.GetMetadataAsync("doc");
        metadata.Should().HaveCount(80);
        (await b.RetrieveAsync<string>("doc")).Should().Be("body");
    }

    [SkippableFact]
    public async Task Prefixes_IsolateStores_OnOneServer()
    {
        await using var one = RedisStoreSubject.Create(fixture, "iso-one");
        await using var two = RedisStoreSubject.Create(fixture, "iso-two");

        await one.StoreAsync("k", "one");
        await two.StoreAsync("k", "two");
        await one.IncrementAsync("n", 1);

        (await two.RetrieveAsync<string>("k")).Should().Be("two");
        (await two.ListKeysAsync()).Should().Equal("k");
        (await one.ClearAsync()).Should().Be(2);
        (await two.RetrieveAsync<string>("k")).Should().Be("two");
        (await two.GetStatisticsAsync()).EntryCount.Should().Be(1);
        (await one.GetStatisticsAsync()).EntryCount.Should().Be(0);
    }
}
