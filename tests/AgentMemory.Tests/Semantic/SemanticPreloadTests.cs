using AgentMemory.Semantic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Semantic;

/// <summary>Preloading builds the indexes from persisted memories, surfaces important ones and warms the caches.</summary>
public sealed class SemanticPreloadTests : IDisposable
{
    private static readonly MemoryScope Alice = MemoryScope.ForUser("alice");
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Preload_BuildsIndex_ReturnsImportantMemories_AndWarmsQueries()
    {
        using var first = new SemanticHarness();
        await first.Add("alice is allergic to peanuts", Alice, importance: 0.95);
        await first.Add("alice prefers window seats", Alice, importance: 0.85);
        await first.Add("alice once ordered soup", Alice, importance: 0.2);
        await first.Add("bob is allergic to cats", MemoryScope.ForUser("bob"), importance: 0.99);

        var embedder = new ConceptEmbedder();
        using var restarted = new SemanticMemory(first.Store, embeddingGenerator: embedder, timeProvider: first.Time);
        var report = await restarted.PreloadAsync(new SemanticPreloadOptions { Scope = Alice, MinImportance = 0.5, WarmQueries = [new MemoryQuery { Text = "allergies", Scope = Alice }, new MemoryQuery { Text = "seat", Scope = Alice, Types = [MemoryType.Preference] }] });

        report.IndexBuilt.Should().BeTrue();
        report.IndexedMemories.Should().Be(4);
        report.Important.Select(m => m.Content).Should().Equal("alice is allergic to peanuts", "alice prefers window seats");
        report.ReadFromStore.Should().Be(2);
        report.WarmedQueries.Should().Be(2);

        var calls = embedder.Calls;
        var results = await restarted.RetrieveAsync(new MemoryQuery { Text = "allergies", Scope = Alice });
        embedder.Calls.Should().Be(calls, "the warm-up query's candidates were cached");
        results.Should().NotBeEmpty();
        await restarted.RetrieveAsync(new MemoryQuery { Text = "seat", Scope = Alice, Types = [MemoryType.Preference], Limit = 3 });
        embedder.Calls.Should().Be(calls);
        (await restarted.GetStatisticsAsync()).Cache!.ResultHits.Should().Be(2);

        (await restarted.PreloadAsync()).IndexBuilt.Should().BeFalse();
    }

    [Fact]
    public async Task Preload_InvalidOptions_Throw()
    {
        using var h = new SemanticHarness();
        await FluentActions.Awaiting(() => h.Memory.PreloadAsync(new SemanticPreloadOptions { MinImportance = 2 }).AsTask()).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => h.Memory.PreloadAsync(new SemanticPreloadOptions { MaxCount = -1 }).AsTask()).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => h.Memory.PreloadAsync(new SemanticPreloadOptions { WarmQueries = [new MemoryQuery { Text = " " }] }).AsTask()).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task SqlitePersistence_MemoriesSurviveARestart_Exactly_AndPreloadWarmsThem()
    {
        var time = new FakeTimeProvider(SemanticHarness.Epoch);
        var path = _directory.File("semantic.db");
        MemoryRecord original;
        IReadOnlyList<MemorySearchResult> before;
        await using (var provider = Build(time, path))
        {
            var memory = provider.GetRequiredService<ISemanticMemory>();
            original = await memory.StoreAsync(new MemoryInput
            {
                Content = "alice's passport expires in March",
                Scope = Alice,
                Type = MemoryType.Semantic,
                Importance = 0.9,
                Metadata = new Dictionary<string, MetadataValue> { ["kind"] = "document", ["year"] = 2027 },
                SourceIds = ["turn-7"],
            });
            await memory.StoreBatchAsync([.. Enumerable.Range(0, 30).Select(i => new MemoryInput { Content = $"travel note {i} about trains", Scope = Alice, Importance = 0.3 })]);
            before = await memory.RetrieveAsync(new MemoryQuery { Text = "passport expiry", Scope = Alice, UpdateAccessStatistics = false });
        }

        await using (var provider = Build(time, path))
        {
            var memory = provider.GetRequiredService<ISemanticMemory>();
            var report = await memory.PreloadAsync(new SemanticPreloadOptions { Scope = Alice, WarmQueries = [new MemoryQuery { Text = "passport expiry", Scope = Alice }] });
            report.IndexBuilt.Should().BeTrue();
            report.IndexedMemories.Should().Be(31);
            report.Important.Select(m => m.Id).Should().Equal(original.Id);

            var reloaded = await memory.GetAsync(original.Id, Alice);
            reloaded.Should().BeEquivalentTo(original, o => o.Excluding(r => r.Embedding));
            reloaded!.Embedding.ToArray().Should().Equal(original.Embedding.ToArray(), "embeddings reload bit for bit");
            var after = await memory.RetrieveAsync(new MemoryQuery { Text = "passport expiry", Scope = Alice, UpdateAccessStatistics = false });
            after.Select(r => (r.Memory.Id, r.Score)).Should().Equal(before.Select(r => (r.Memory.Id, r.Score)));
            (await memory.CheckHealthAsync()).IsHealthy.Should().BeTrue();
        }
    }

    private static ServiceProvider Build(TimeProvider time, string path)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddAgentMemory(o => o.HotTier.MaxEntries = 10).AddSqlitePersistence(path).AddSemanticMemory();
        return services.BuildServiceProvider();
    }
}
