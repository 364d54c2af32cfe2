namespace AgentMemory.Tests.Semantic;

public sealed class SemanticMemorySoakTests
{
    [Fact]
    public async Task ConcurrentStoresRetrievesUpdatesDeletes_LeaveIndexesConsistent()
    {
        using var h = new SemanticHarness();
        var scopes = new[] { MemoryScope.ForUser("u0"), MemoryScope.ForUser("u1"), MemoryScope.ForUser("u2") };
        using var barrier = new Barrier(4);
        var leaks = 0;
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            var random = new Random(w);
            var mine = new List<string>();
            for (var i = 0; i < 150; i++)
            {
                var scope = scopes[random.Next(scopes.Length)];
                switch (random.Next(5))
                {
                    case 0:
                    case 1:
                        mine.Add((await h.Add($"worker {w} note {i} about topic {random.Next(10)}", scope, importance: random.NextDouble())).Id);
                        break;
                    case 2:
                        var results = await h.Ask($"topic {random.Next(10)}", scope, limit: 5);
                        Interlocked.Add(ref leaks, results.Count(r => r.Memory.Scope != scope));
                        break;
                    case 3 when mine.Count > 0:
                        var id = mine[random.Next(mine.Count)];
                        foreach (var s in scopes)
                        {
                            await h.Memory.UpdateAsync(id, s, new MemoryUpdate { Content = $"rewritten {i}", Importance = 0.5 });
                        }

                        break;
                    case 4 when mine.Count > 0:
                        var victim = mine[random.Next(mine.Count)];
                        mine.Remove(victim);
                        foreach (var s in scopes)
                        {
                            await h.Memory.DeleteAsync(victim, s);
                        }

                        break;
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);

        leaks.Should().Be(0);
        var health = await h.Memory.CheckHealthAsync();
        health.IsHealthy.Should().BeTrue(string.Join("; ", health.Problems));
        health.VectorIndexCount.Should().Be(health.MemoryCount);
        health.KeywordIndexCount.Should().Be(health.MemoryCount);
        (await h.Store.ListKeysAsync("semantic:m:*", 10_000)).Should().HaveCount(health.MemoryCount);
    }
}
