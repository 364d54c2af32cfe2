using AgentMemory.Semantic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Semantic;

/// <summary>The retrieval caches: hits, invalidation by scope, TTL, capacity, and results equal to uncached retrieval.</summary>
public sealed class SemanticCacheTests
{
    private static readonly MemoryScope Alice = MemoryScope.ForUser("alice");
    private static readonly MemoryScope Bob = MemoryScope.ForUser("bob");

    [Fact]
    public async Task RepeatedQuery_IsServedFromTheCaches_WithoutEmbeddingAgain()
    {
        var embedder = new ConceptEmbedder();
        using var h = new SemanticHarness(embedder);
        await h.Add("the user drinks green tea", Alice);
        await h.Add("the user lives in Lisbon", Alice);
        var callsBefore = embedder.Calls;

        var first = await h.Ask("what does the user drink", Alice);
        var second = await h.Ask("what does the user drink", Alice);

        embedder.Calls.Should().Be(callsBefore + 1, "the second query is answered from the cache");
        second.Select(r => r.Memory.Id).Should().Equal(first.Select(r => r.Memory.Id));
        var cache = (await h.Memory.GetStatisticsAsync()).Cache!;
        cache.ResultHits.Should().Be(1);
        cache.ResultMisses.Should().Be(1);
        cache.ResultEntries.Should().Be(1);
        cache.EmbeddingMisses.Should().Be(1);
    }

    [Fact]
    public async Task WriteVisibleToTheScope_Invalidates_AndOtherTenantsWritesDoNot()
    {
        using var h = new SemanticHarness();
        await h.Add("alice likes jazz concerts", Alice);
        (await h.Ask("jazz", Alice)).Should().HaveCount(1);

        await h.Add("bob likes jazz too", Bob);
        (await h.Ask("jazz", Alice)).Should().HaveCount(1);
        (await h.Memory.GetStatisticsAsync()).Cache!.ResultInvalidations.Should().Be(0, "bob's memory is not visible to alice");

        var shared = await h.Add("jazz night every friday", MemoryScope.Shared);
        (await h.Ask("jazz", Alice)).Select(r => r.Memory.Id).Should().Contain(shared.Id, "a shared memory is visible to alice");
        (await h.Memory.GetStatisticsAsync()).Cache!.ResultInvalidations.Should().Be(1);
    }

    [Fact]
    public async Task UpdateDeleteAndConsolidation_Invalidate_AccessUpdatesDoNot()
    {
        using var h = new SemanticHarness();
        var a = await h.Add("the garden needs water", Alice, importance: 0.5);
        var b = await h.Add("the garden has tomatoes", Alice, importance: 0.5);
        await h.Ask("garden", Alice);
        await h.Ask("garden", Alice);
        var stats = (await h.Memory.GetStatisticsAsync()).Cache!;
        stats.ResultHits.Should().Be(1);
        stats.ResultInvalidations.Should().Be(0, "the first retrieval's access updates keep every candidate the same");

        await h.Memory.UpdateAsync(a.Id, Alice, new MemoryUpdate { Content = "the lawn needs mowing" });
        (await h.Ask("garden", Alice)).Select(r => r.Memory.Id).Should().Equal(b.Id);

        await h.Memory.UpdateAsync(b.Id, Alice, new MemoryUpdate { Metadata = new Dictionary<string, MetadataValue> { ["room"] = "yard" } });
        (await h.Ask("garden", Alice, configure: q => q.Filter = MetadataFilter.Equal("room", "yard"))).Should().ContainSingle();

        await h.Memory.DeleteAsync(b.Id, Alice);
        (await h.Ask("garden", Alice)).Should().BeEmpty();

        await h.Add("lawn mower is broken", Alice, importance: 0.5);
        await h.Add("lawn mower is broken!", Alice, importance: 0.9);
        (await h.Ask("lawn mower", Alice)).Should().HaveCount(3);
        var report = await h.Memory.ConsolidateAsync(new SemanticConsolidationOptions { SimilarityThreshold = 0.9, DecayImportance = false, Cleanup = false });
        report.Merged.Should().ContainSingle();
        (await h.Ask("lawn mower", Alice)).Should().HaveCount(2, "the merged duplicate is gone from the cached answer too");
        (await h.Memory.GetStatisticsAsync()).Cache!.ResultInvalidations.Should().Be(3, "the content update, the delete and the merge each made one cached answer stale");
    }

    [Fact]
    public async Task CachedCandidates_AreRescoredWithCurrentRecencyAndAccess()
    {
        using var h = new SemanticHarness(configure: o => o.Cache.Ttl = TimeSpan.FromDays(1));
        await h.Add("the cat is called Miso", Alice);
        var first = (await h.Ask("cat", Alice))[0];
        h.Time.Advance(TimeSpan.FromHours(5));
        var second = (await h.Ask("cat", Alice))[0];

        (await h.Memory.GetStatisticsAsync()).Cache!.ResultHits.Should().Be(1);
        second.Memory.AccessCount.Should().Be(first.Memory.AccessCount + 1);
        second.Recency.Should().BeApproximately(Math.Pow(h.Options.RecencyDecayPerHour, 5), 1e-12, "recency is computed at retrieval time, not cached");
    }

    [Fact]
    public async Task Entries_ExpireAfterTheTtl_OnTheTimeProvider()
    {
        var embedder = new ConceptEmbedder();
        using var h = new SemanticHarness(embedder, o => o.Cache.Ttl = TimeSpan.FromMinutes(5));
        await h.Add("the dog is a beagle", Alice);
        await h.Ask("dog", Alice);
        var calls = embedder.Calls;

        h.Time.Advance(TimeSpan.FromMinutes(4));
        await h.Ask("dog", Alice);
        embedder.Calls.Should().Be(calls);

        h.Time.Advance(TimeSpan.FromMinutes(2));
        await h.Ask("dog", Alice);
        embedder.Calls.Should().Be(calls + 1, "both entries expired five minutes after they were added");
    }

    [Fact]
    public async Task Capacity_BoundsTheResultCache_LeastRecentlyUsedGoesFirst()
    {
        var embedder = new ConceptEmbedder();
        using var h = new SemanticHarness(embedder, o => { o.Cache.ResultCapacity = 2; o.Cache.EmbeddingCapacity = 0; });
        await h.Add("hiking in the mountains", Alice);
        await h.Ask("hiking", Alice);
        await h.Ask("mountains", Alice);
        await h.Ask("hiking", Alice);
        await h.Ask("weekend", Alice);
        var calls = embedder.Calls;

        await h.Ask("hiking", Alice);
        embedder.Calls.Should().Be(calls, "hiking was used more recently than mountains");
        await h.Ask("mountains", Alice);
        embedder.Calls.Should().Be(calls + 1, "mountains was evicted");
        (await h.Memory.GetStatisticsAsync()).Cache!.ResultEntries.Should().Be(2);
    }

    [Fact]
    public async Task ManyRequestScopes_RetireTheVersionTable_AndAnswersStayCorrect()
    {
        using var h = new SemanticHarness(configure: o => o.Cache.ResultCapacity = 1);
        await h.Add("shared chess club on mondays", MemoryScope.Shared);
        for (var i = 0; i < 100; i++)
        {
            (await h.Ask("chess", MemoryScope.ForUser($"user-{i}"), configure: q => q.UpdateAccessStatistics = false)).Should().ContainSingle();
        }

        var added = await h.Add("chess tournament on friday", MemoryScope.ForUser("user-99"));
        (await h.Ask("chess", MemoryScope.ForUser("user-99"))).Select(r => r.Memory.Id).Should().Contain(added.Id);
        (await h.Ask("chess", MemoryScope.ForUser("user-98"))).Should().ContainSingle();
    }

    [Fact]
    public async Task Disabled_CachesNothing()
    {
        var embedder = new ConceptEmbedder();
        using var h = new SemanticHarness(embedder, o => { o.Cache.ResultCapacity = 0; o.Cache.EmbeddingCapacity = 0; });
        await h.Add("tea in the morning", Alice);
        await h.Ask("tea", Alice);
        var calls = embedder.Calls;
        await h.Ask("tea", Alice);
        embedder.Calls.Should().Be(calls + 1);
        var cache = (await h.Memory.GetStatisticsAsync()).Cache!;
        (cache.ResultHits + cache.ResultMisses + cache.EmbeddingHits).Should().Be(0);
    }

    [Fact]
    public async Task MultiQuery_UsesTheCachePerQuery_AndEmbedsMissesInOneBatch()
    {
        var embedder = new ConceptEmbedder();
        using var h = new SemanticHarness(embedder);
        await h.Add("the user works as an engineer", Alice);
        await h.Add("the user lives in Porto", Alice);
        await h.Ask("job", Alice);
        var calls = embedder.Calls;

        var results = await h.Memory.RetrieveMultiAsync(["job", "home", "city"], new MemoryQuery { Text = "", Scope = Alice });
        embedder.Calls.Should().Be(calls + 1, "job came from the cache; home and city were embedded together");
        results.Should().HaveCount(2);
    }

    [Fact]
    public void Options_Invalid_AreRejected()
    {
        var options = new SemanticMemoryOptions();
        options.Cache.ResultCapacity = -1;
        options.Cache.Ttl = TimeSpan.Zero;
        var errors = options.Validate();
        errors.Should().Contain(e => e.Contains("Cache.ResultCapacity", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("Cache.Ttl", StringComparison.Ordinal));
        using var store = new AgentMemory.Storage.InMemoryStore();
        var act = () => new SemanticMemory(store, options);
        act.Should().Throw<ArgumentException>().WithMessage("*Cache.Ttl*");
    }

    [Fact]
    public async Task DependencyInjection_ConfiguresTheCache()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(SemanticHarness.Epoch));
        services.AddAgentMemory().AddSemanticMemory(o => o.Cache.ResultCapacity = 0);
        await using var provider = services.BuildServiceProvider();
        var memory = provider.GetRequiredService<ISemanticMemory>();
        await memory.StoreAsync(new MemoryInput { Content = "tea", Scope = Alice });
        await memory.RetrieveAsync(new MemoryQuery { Text = "tea", Scope = Alice });
        await memory.RetrieveAsync(new MemoryQuery { Text = "tea", Scope = Alice });
        var cache = (await memory.GetStatisticsAsync()).Cache!;
        cache.ResultHits.Should().Be(0);
        cache.EmbeddingHits.Should().Be(1);
    }
}
