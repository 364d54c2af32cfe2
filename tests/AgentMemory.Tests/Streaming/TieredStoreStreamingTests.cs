using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Streaming;

/// <summary>The change stream over a tiered store: logical changes are published, moves between tiers are not.</summary>
public sealed class TieredStoreStreamingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ChangesMadeThroughEveryTier_ArePublished_AndPromotionsAreNot()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddAgentMemory(o => o.HotTier.MaxEntries = 100)
            .AddSqlitePersistence(_directory.File("m.db"))
            .AddMemoryStreaming();
        await using var provider = services.BuildServiceProvider();
        var streaming = provider.GetRequiredService<IMemoryStreaming>();
        var store = provider.GetRequiredService<IMemoryStore>();
        var ops = provider.GetRequiredService<IMemoryOperations>();
        var stream = await streaming.CreateStreamAsync();

        await store.StoreAsync("hot", 1L);
        await store.StoreAsync("deep", 2L, new MemoryEntryOptions { Tier = MemoryTier.LongTerm });
        (await store.RetrieveAsync<long>("deep")).Should().Be(2, "the read promotes it, which is not a change");
        await ops.IncrementAsync("deep");
        await store.StoreAsync("gone", 3L, new MemoryEntryOptions { Tier = MemoryTier.LongTerm });
        (await store.DeleteAsync("gone")).Should().BeTrue();

        var changes = await streaming.ReplayAsync(stream, time.GetUtcNow().AddMinutes(-1));

        changes.Select(c => (c.Key, c.ChangeType)).Should().Equal(
            ("hot", MemoryChangeType.Created),
            ("deep", MemoryChangeType.Created),
            ("deep", MemoryChangeType.Updated),
            ("gone", MemoryChangeType.Created),
            ("gone", MemoryChangeType.Deleted));
        changes.Select(c => c.Sequence).Should().BeInAscendingOrder();
    }
}
