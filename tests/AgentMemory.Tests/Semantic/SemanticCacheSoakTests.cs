namespace AgentMemory.Tests.Semantic;

/// <summary>Cached retrievals racing with writes never leave a stale answer behind.</summary>
public sealed class SemanticCacheSoakTests
{
    private static readonly string[] Topics = ["tea", "jazz", "chess", "garden"];

    [Fact]
    public async Task ConcurrentWritesAndCachedRetrievals_EndWithAnswersEqualToFreshOnes()
    {
        using var h = new SemanticHarness(configure: o => o.Cache.Ttl = TimeSpan.FromDays(1));
        var scopes = new[] { MemoryScope.ForUser("u0"), MemoryScope.ForUser("u1"), MemoryScope.Shared };
        using var barrier = new Barrier(4);
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            var random = new Random(w);
            for (var i = 0; i < 150; i++)
            {
                var id = $"w{w}-{random.Next(30)}";
                var scope = scopes[(w + id.Length) % 2];
                if (random.Next(4) == 0)
                {
                    await h.Memory.DeleteAsync(id, scope);
                }
                else
                {
                    await h.Add($"{Topics[random.Next(Topics.Length)]} note {i}", scope, importance: random.NextDouble(), id: id);
                }
            }
        }));
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            var random = new Random(100 + r);
            for (var i = 0; i < 300; i++)
            {
                await h.Ask(Topics[random.Next(Topics.Length)], scopes[random.Next(scopes.Length)], 5, q => q.UpdateAccessStatistics = false);
            }
        }));
        await Task.WhenAll(writers.Concat(readers));

        foreach (var scope in scopes)
        {
            foreach (var topic in Topics)
            {
                var cachedAnswer = await h.Ask(topic, scope, 5, q => q.UpdateAccessStatistics = false);
                h.Memory.ClearCaches();
                var fresh = await h.Ask(topic, scope, 5, q => q.UpdateAccessStatistics = false);
                cachedAnswer.Select(x => (x.Memory.Id, x.Score)).Should().Equal(fresh.Select(x => (x.Memory.Id, x.Score)), $"{topic} for {scope}");
            }
        }

        (await h.Memory.CheckHealthAsync()).IsHealthy.Should().BeTrue();
    }
}
