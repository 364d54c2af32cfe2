using AgentMemory.Persistence;
using AgentMemory.Storage;
using AgentMemory.Tiers;

namespace AgentMemory.Tests.Tiers;

/// <summary>
/// Many threads write, read, increment and delete while consolidation runs and the hot tier (far smaller than the
/// data) evicts constantly; afterwards every key holds exactly what its last writer wrote and no increment was lost.
/// </summary>
public sealed class TieredMemoryStoreSoakTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(DurabilityMode.WriteThrough)]
    [InlineData(DurabilityMode.WriteBehind)]
    [InlineData(DurabilityMode.None)]
    public async Task ConcurrentWritersAndConsolidation_LoseNothing(DurabilityMode durability)
    {
        const int Threads = 4;
        const int OpsPerThread = 400;
        var options = new SqlitePersistenceOptions
        {
            Path = _directory.File($"soak-{durability}.db"),
            Durability = durability,
            ArchiveDirectory = _directory.File($"archive-{durability}"),
            Consolidation = { Policies = { new ColdDemotionPolicy(TimeSpan.FromTicks(1)), new AccessCountPromotionPolicy(2) } },
        };
        var expected = new Dictionary<string, long>[Threads];
        await using (var store = TieredMemoryStore.Open(options, new HotTierOptions { MaxEntries = 16 }))
        {
            using var stop = new CancellationTokenSource();
            var consolidator = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    (await store.ConsolidateAsync()).Failed.Should().Be(0);
                }
            });

            var workers = Enumerable.Range(0, Threads).Select(t => Task.Run(async () =>
            {
                var random = new Random(t);
                var mine = expected[t] = [];
                for (var i = 0; i < OpsPerThread; i++)
                {
                    var key = $"t{t}:k{random.Next(40)}";
                    switch (random.Next(5))
                    {
                        case 0:
                        case 1:
                            await store.StoreAsync(key, (long)i);
                            mine[key] = i;
                            break;
                        case 2:
                            await store.DeleteAsync(key);
                            mine.Remove(key);
                            break;
                        case 3:
                            if (mine.TryGetValue(key, out var value))
                            {
                                (await store.RetrieveAsync<long>(key)).Should().Be(value, $"'{key}' was last written with {value}");
                            }
                            else
                            {
                                (await store.ExistsAsync(key)).Should().BeFalse($"'{key}' was deleted or never written");
                            }

                            break;
                        default:
                            await store.IncrementAsync("shared");
                            mine["shared-increments"] = mine.GetValueOrDefault("shared-increments") + 1;
                            break;
                    }
                }
            })).ToArray();

            await Task.WhenAll(workers);
            await stop.CancelAsync();
            await consolidator;
            Verify(store, expected);
        }

        if (durability != DurabilityMode.None)
        {
            await using var reopened = TieredMemoryStore.Open(options);
            Verify(reopened, expected);
            reopened.LongTerm.IntegrityCheck().Should().Be("ok");
        }
    }

    private static void Verify(TieredMemoryStore store, Dictionary<string, long>[] expected)
    {
        long increments = 0;
        for (var t = 0; t < expected.Length; t++)
        {
            increments += expected[t].GetValueOrDefault("shared-increments");
            for (var k = 0; k < 40; k++)
            {
                var key = $"t{t}:k{k}";
                var actual = store.TryRetrieveAsync<long>(key).AsTask().GetAwaiter().GetResult();
                if (expected[t].TryGetValue(key, out var value))
                {
                    actual.Found.Should().BeTrue($"'{key}' was last written with {value}");
                    actual.Value.Should().Be(value);
                }
                else
                {
                    actual.Found.Should().BeFalse($"'{key}' was deleted or never written");
                }
            }
        }

        store.RetrieveAsync<long>("shared").AsTask().GetAwaiter().GetResult().Should().Be(increments);
    }
}
