using AgentMemory.Semantic;
using Microsoft.Extensions.AI;

namespace AgentMemory.Tests.Semantic;

public sealed class SemanticMemoryTests
{
    private static readonly MemoryScope Alice = MemoryScope.ForUser("alice");
    private static readonly MemoryScope Bob = MemoryScope.ForUser("bob");

    [Fact]
    public async Task Retrieve_ScoreParts_FollowTheFormula()
    {
        using var h = new SemanticHarness();
        await h.Add("The deployment pipeline runs on Fridays", importance: 0.8);
        await h.Add("Lunch is served at noon", importance: 0.2);
        h.Time.Advance(TimeSpan.FromHours(24));

        var results = await h.Ask("deployment pipeline");
        var top = results[0];
        top.Memory.Content.Should().Contain("deployment");
        top.Recency.Should().BeApproximately(Math.Pow(0.995, 24), 1e-12);
        top.Importance.Should().Be(0.8);
        top.Relevance.Should().BeInRange(0.5, 1.0);
        var best = results.Max(r => r.Relevance);
        foreach (var r in results)
        {
            r.Score.Should().BeApproximately(((r.Relevance / best) + r.Recency + r.Importance) / 3, 1e-12);
        }
    }

    [Fact]
    public async Task Retrieve_UpdatesAccessStatistics_UnlessAskedNotTo()
    {
        using var h = new SemanticHarness();
        var stored = await h.Add("Paris is the capital of France");
        h.Time.Advance(TimeSpan.FromMinutes(5));
        await h.Ask("capital of France", configure: q => q.UpdateAccessStatistics = false);
        (await h.Memory.GetAsync(stored.Id, MemoryScope.Shared))!.AccessCount.Should().Be(0);

        var results = await h.Ask("capital of France");
        results[0].Memory.AccessCount.Should().Be(0, "results show the memory as it was before this access");
        var after = await h.Memory.GetAsync(stored.Id, MemoryScope.Shared);
        after!.AccessCount.Should().Be(1);
        after.LastAccessedAt.Should().Be(h.Time.GetUtcNow());

        h.Time.Advance(TimeSpan.FromHours(10));
        (await h.Ask("capital of France"))[0].Recency.Should().BeApproximately(Math.Pow(0.995, 10), 1e-12, "recency counts from the last access");
    }

    [Fact]
    public async Task Retrieve_Filters_TypeImportanceTimeMetadataRelevanceLimit()
    {
        using var h = new SemanticHarness();
        var early = await h.Add("project apollo kickoff meeting", type: MemoryType.Episodic, importance: 0.4, metadata: new Dictionary<string, MetadataValue> { ["project"] = "apollo", ["priority"] = 1 });
        h.Time.Advance(TimeSpan.FromDays(2));
        var middle = await h.Add("project apollo uses postgres", type: MemoryType.Semantic, importance: 0.9, metadata: new Dictionary<string, MetadataValue> { ["project"] = "apollo", ["priority"] = 3 });
        h.Time.Advance(TimeSpan.FromDays(2));
        var late = await h.Add("project zeus uses redis", type: MemoryType.Semantic, importance: 0.6, metadata: new Dictionary<string, MetadataValue> { ["project"] = "zeus" });

        Ids(await h.Ask("project", configure: q => q.Types = [MemoryType.Episodic])).Should().Equal(early.Id);
        Ids(await h.Ask("project", configure: q => q.MinImportance = 0.5)).Should().BeEquivalentTo([middle.Id, late.Id]);
        Ids(await h.Ask("project", configure: q => (q.From, q.To) = (SemanticHarness.Epoch.AddDays(1), SemanticHarness.Epoch.AddDays(3)))).Should().Equal(middle.Id);
        Ids(await h.Ask("project", configure: q => q.Filter = MetadataFilter.And(MetadataFilter.Equal("project", "apollo"), MetadataFilter.Range("priority", min: 2)))).Should().Equal(middle.Id);
        Ids(await h.Ask("project", limit: 2)).Should().HaveCount(2);
        (await h.Ask("project apollo postgres", configure: q => q.MinRelevance = 0.6)).Should().OnlyContain(r => r.Relevance >= 0.6)
            .And.Contain(r => r.Memory.Id == middle.Id);
        (await h.Ask("zzz qqq", configure: q => q.MinRelevance = 0.5)).Should().BeEmpty();
    }

    [Fact]
    public async Task ScopeIsolation_TenantsNeverSeeEachOther()
    {
        using var h = new SemanticHarness();
        var alices = await h.Add("my password hint is the blue bicycle", Alice, importance: 1);
        var bobs = await h.Add("my password hint is the red car", Bob, importance: 1);
        var shared = await h.Add("password hints must not contain the password", MemoryScope.Shared);
        var aliceSession = await h.Add("password reset requested in this session", Alice with { SessionId = "s1" });

        var forAlice = Ids(await h.Ask("password hint", Alice, limit: 10));
        forAlice.Should().Contain([alices.Id, shared.Id]).And.NotContain(bobs.Id).And.NotContain(aliceSession.Id, "a session memory is only visible within the session");
        Ids(await h.Ask("password hint", Alice with { SessionId = "s1" }, limit: 10)).Should().Contain([alices.Id, aliceSession.Id, shared.Id]).And.NotContain(bobs.Id);
        Ids(await h.Ask("password hint", Bob, limit: 10)).Should().BeEquivalentTo([bobs.Id, shared.Id]);
        Ids(await h.Ask("password hint", MemoryScope.Shared, limit: 10)).Should().Equal(shared.Id);

        (await h.Memory.GetAsync(alices.Id, Bob)).Should().BeNull();
        (await h.Memory.UpdateAsync(alices.Id, Bob, new MemoryUpdate { Importance = 0 })).Should().BeNull();
        (await h.Memory.DeleteAsync(alices.Id, Bob)).Should().BeFalse();
        (await h.Memory.GetAsync(alices.Id, Alice))!.Importance.Should().Be(1);
        (await h.Memory.GetRecentAsync(Bob, TimeSpan.FromDays(1))).Select(r => r.Id).Should().BeEquivalentTo([bobs.Id, shared.Id]);
        (await h.Memory.GetStatisticsAsync(Bob)).Count.Should().Be(2);
        (await h.Memory.GetStatisticsAsync()).Count.Should().Be(4);

        var reuse = () => h.Add("hijack", Bob, id: alices.Id);
        await reuse.Should().ThrowAsync<ArgumentException>().WithMessage("*another scope*");
        (await h.Memory.GetAsync(alices.Id, Alice))!.Content.Should().Contain("blue bicycle");
    }

    [Fact]
    public async Task UpdateAndDelete_KeepEveryIndexConsistent()
    {
        using var h = new SemanticHarness();
        var m = await h.Add("the office wifi password is giraffe", Alice);
        var updated = await h.Memory.UpdateAsync(m.Id, Alice, new MemoryUpdate { Content = "the office wifi password is penguin", Importance = 0.9, Type = MemoryType.Procedural });
        updated!.Content.Should().Contain("penguin");
        updated.Embedding.ToArray().Should().NotEqual(m.Embedding.ToArray());

        (await h.Ask("giraffe", Alice, configure: q => q.MinRelevance = 0.3)).Should().BeEmpty();
        (await h.Ask("penguin", Alice))[0].Memory.Id.Should().Be(m.Id);
        (await h.Memory.CheckHealthAsync()).IsHealthy.Should().BeTrue();

        (await h.Memory.DeleteAsync(m.Id, Alice)).Should().BeTrue();
        (await h.Memory.DeleteAsync(m.Id, Alice)).Should().BeFalse();
        (await h.Ask("penguin", Alice)).Should().BeEmpty();
        (await h.Store.ExistsAsync("semantic:m:" + m.Id)).Should().BeFalse();
        var health = await h.Memory.CheckHealthAsync();
        health.IsHealthy.Should().BeTrue(string.Join("; ", health.Problems));
        health.VectorIndexCount.Should().Be(0);
        health.KeywordIndexCount.Should().Be(0);
    }

    [Fact]
    public async Task Restart_RebuildsIndexesFromTheStore_AndReembedsOnDimensionChange()
    {
        using var first = new SemanticHarness();
        var kept = await first.Add("the launch code is tango", Alice, importance: 0.7, metadata: new Dictionary<string, MetadataValue> { ["k"] = 1 }, sources: ["turn-1"]);
        await first.Add("lunch menu has soup", Alice);
        (await first.Ask("launch code", Alice)).Should().NotBeEmpty();

        using var second = new SemanticMemory(first.Store, timeProvider: first.Time);
        var reloaded = await second.GetAsync(kept.Id, Alice);
        var original = await first.Memory.GetAsync(kept.Id, Alice);
        reloaded.Should().BeEquivalentTo(original, o => o.Excluding(r => r!.Embedding));
        reloaded!.Embedding.ToArray().Should().Equal(original!.Embedding.ToArray());
        (await second.RetrieveAsync(new MemoryQuery { Text = "launch code", Scope = Alice }))[0].Memory.Id.Should().Be(kept.Id);

        using var third = new SemanticMemory(first.Store, embeddingGenerator: new ConceptEmbedder(), timeProvider: first.Time);
        var health = await third.CheckHealthAsync();
        health.IsHealthy.Should().BeTrue(string.Join("; ", health.Problems));
        health.Dimensions.Should().Be(ConceptEmbedder.Dimensions);
        health.UsesBuiltInEmbedder.Should().BeFalse();
        (await third.GetAsync(kept.Id, Alice))!.Embedding.Length.Should().Be(ConceptEmbedder.Dimensions);
    }

    [Fact]
    public async Task Restart_CorruptStoredMemory_IsSkippedAndReported()
    {
        using var h = new SemanticHarness();
        await h.Add("fine memory", Alice);
        await h.Store.StoreRawAsync("semantic:m:broken", new byte[] { 1, 2, 3 });
        using var restarted = new SemanticMemory(h.Store, timeProvider: h.Time);
        var health = await restarted.CheckHealthAsync();
        health.IsHealthy.Should().BeFalse();
        health.MemoryCount.Should().Be(1);
        health.Problems.Should().Contain(p => p.Contains("corrupt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_BuiltInEmbedder_IsReported()
    {
        using var h = new SemanticHarness();
        var health = await h.Memory.CheckHealthAsync();
        health.IsHealthy.Should().BeTrue();
        health.UsesBuiltInEmbedder.Should().BeTrue();
        health.Embedder.Should().Contain("built-in");
        health.Dimensions.Should().Be(256);
    }

    [Fact]
    public async Task FailingEmbedder_ThrowsEmbeddingException_AndHealthSaysSo()
    {
        using var h = new SemanticHarness(new FailingEmbedder());
        var act = () => h.Add("anything");
        await act.Should().ThrowAsync<EmbeddingException>().WithMessage("*model offline*");
        var health = await h.Memory.CheckHealthAsync();
        health.IsHealthy.Should().BeFalse();
        health.Problems.Should().Contain(p => p.Contains("model offline", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoreBatch_StoresAllInOrder_WithOneEmbeddingCall()
    {
        var embedder = new ConceptEmbedder();
        using var h = new SemanticHarness(embedder);
        var stored = await h.Memory.StoreBatchAsync([.. Enumerable.Range(0, 20).Select(i => new MemoryInput { Content = $"fact number {i}", Scope = Alice })]);
        stored.Select(s => s.Content).Should().Equal(Enumerable.Range(0, 20).Select(i => $"fact number {i}"));
        embedder.Calls.Should().Be(1);
        (await h.Memory.GetStatisticsAsync(Alice)).Count.Should().Be(20);
    }

    [Fact]
    public async Task InvalidInput_Throws()
    {
        using var h = new SemanticHarness();
        await FluentActions.Awaiting(() => h.Add("  ")).Should().ThrowAsync<ArgumentException>().WithMessage("*empty*");
        await FluentActions.Awaiting(() => h.Add("x", importance: 1.5)).Should().ThrowAsync<ArgumentException>().WithMessage("*between 0 and 1*");
        await FluentActions.Awaiting(() => h.Add("x", type: (MemoryType)42)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => h.Add("bad \uD800 text")).Should().ThrowAsync<ArgumentException>().WithMessage("*surrogate*");
        await FluentActions.Awaiting(() => h.Add("x", id: "")).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => h.Ask("x", limit: 0)).Should().ThrowAsync<ArgumentException>().WithMessage("*limit*");
        await FluentActions.Awaiting(() => h.Ask("x", configure: q => q.MinRelevance = 2)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => h.Ask("")).Should().ThrowAsync<ArgumentException>();
        FluentActions.Invoking(() => new SemanticMemory(h.Store, new SemanticMemoryOptions { KeyPrefix = "a*", RecencyDecayPerHour = 2 }))
            .Should().Throw<ArgumentException>().WithMessage("*KeyPrefix*RecencyDecayPerHour*");
    }

    private static List<string> Ids(IReadOnlyList<MemorySearchResult> results) => [.. results.Select(r => r.Memory.Id)];

    private sealed class FailingEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("model offline");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
