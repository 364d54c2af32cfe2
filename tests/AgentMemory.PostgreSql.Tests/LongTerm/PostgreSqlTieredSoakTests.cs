using AgentMemory.PostgreSql.LongTerm;
using AgentMemory.PostgreSql.Tests.Infrastructure;
using AgentMemory.Storage;
using AgentMemory.Tiers;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.PostgreSql.Tests.LongTerm;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlTieredSoakTests(PostgresServerFixture fixture)
{
    [SkippableTheory]
    [InlineData(DurabilityMode.WriteThrough)]
    [InlineData(DurabilityMode.WriteBehind)]
    public async Task ManyThreads_WritingAndReadingThroughASmallHotTier_LeaveEveryKeyAtItsLastValue(DurabilityMode durability)
    {
        const int threads = 8;
        const int keysPerThread = 24;
        const int rounds = 3;
        var schema = PostgresServerFixture.UniqueSchema("soak");
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var options = new PostgreSqlMemoryOptions { ConnectionString = fixture.Server.AdminConnectionString, Schema = schema };
        await using (var store = TieredMemoryStore.Open(
            PostgreSqlLongTermStore.Open(options),
            new AgentMemory.Persistence.TieredStoreOptions { Durability = durability, WriteBehindBatchSize = 16 },
            new HotTierOptions { MaxEntries = 32 },
            time))
        {
            using var start = new Barrier(threads);
            await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
            {
                start.SignalAndWait();
                for (var round = 0; round < rounds; round++)
                {
                    for (var k = 0; k < keysPerThread; k++)
                    {
                        var key = $"t{t}:k{k}";
                        await store.StoreAsync(key, round);
                        (await store.RetrieveAsync<int>($"t{t}:k{(k + 7) % keysPerThread}")).Should().BeInRange(round - 1, round, "another key of the same thread was last written in this round or the one before");
                        await store.IncrementAsync($"counter:{k % 4}", 1);
                    }
                }
            })));
        }

        await using var reopened = TieredMemoryStore.Open(PostgreSqlLongTermStore.Open(options), new AgentMemory.Persistence.TieredStoreOptions(), timeProvider: time);
        for (var t = 0; t < threads; t++)
        {
            for (var k = 0; k < keysPerThread; k++)
            {
                (await reopened.RetrieveAsync<int>($"t{t}:k{k}")).Should().Be(rounds - 1);
            }
        }

        var counters = 0L;
        for (var c = 0; c < 4; c++)
        {
            counters += await reopened.RetrieveAsync<long>($"counter:{c}");
        }

        counters.Should().Be(threads * keysPerThread * rounds, "no increment was lost between the tiers");
        (await reopened.GetTierStatisticsAsync()).LongTermEntries.Should().Be((threads * keysPerThread) + 4);
    }
}
