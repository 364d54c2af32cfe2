namespace AgentMemory.Tests.Semantic;

/// <summary>Consolidation, conversation memory, multi-query, contextual and recent retrieval.</summary>
public sealed class SemanticMemoryLifecycleTests
{
    private static readonly MemoryScope Alice = MemoryScope.ForUser("alice");
    private static readonly MemoryScope Bob = MemoryScope.ForUser("bob");

    [Fact]
    public async Task Consolidate_MergesNearDuplicates_KeepingProvenanceAndMaxImportance()
    {
        using var h = new SemanticHarness();
        var a = await h.Add("User prefers dark mode in the editor", Alice, MemoryType.Preference, 0.6, sources: ["t1"], metadata: new Dictionary<string, MetadataValue> { ["origin"] = "chat" });
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var b = await h.Add("User prefers dark mode in the editor!", Alice, MemoryType.Preference, 0.9, sources: ["t2"]);
        var c = await h.Add("user prefers dark mode in the editor", Alice, MemoryType.Preference, 0.3, sources: ["t3"], metadata: new Dictionary<string, MetadataValue> { ["extra"] = true });
        var other = await h.Add("User drives a blue truck", Alice, MemoryType.Preference, 0.5);
        var bobs = await h.Add("User prefers dark mode in the editor", Bob, MemoryType.Preference, 0.5);
        var otherType = await h.Add("User prefers dark mode in the editor", Alice, MemoryType.Semantic, 0.5);

        var report = await h.Memory.ConsolidateAsync(new() { DecayImportance = false, Cleanup = false });

        report.Examined.Should().Be(6);
        report.Merged.Should().ContainSingle();
        report.Merged.Should().ContainKey(b.Id, "the most important duplicate survives");
        report.Merged[b.Id].Should().BeEquivalentTo([a.Id, c.Id]);
        var survivor = await h.Memory.GetAsync(b.Id, Alice);
        survivor!.Importance.Should().Be(0.9);
        survivor.Timestamp.Should().Be(a.Timestamp, "the merged memory is as old as its oldest part");
        survivor.SourceIds.Should().Contain(["t1", "t2", "t3", a.Id, c.Id]);
        survivor.Metadata.Should().ContainKeys("origin", "extra");
        (await h.Memory.GetAsync(a.Id, Alice)).Should().BeNull();
        (await h.Memory.GetAsync(c.Id, Alice)).Should().BeNull();
        (await h.Memory.GetAsync(other.Id, Alice)).Should().NotBeNull();
        (await h.Memory.GetAsync(bobs.Id, Bob)).Should().NotBeNull("duplicates in another scope are never merged");
        (await h.Memory.GetAsync(otherType.Id, Alice)).Should().NotBeNull("duplicates of another type are not merged");
        (await h.Ask("dark mode editor", Alice, limit: 10, q => q.Types = [MemoryType.Preference])).Select(r => r.Memory.Id).Should().Contain(b.Id).And.NotContain([a.Id, c.Id]);
        (await h.Memory.CheckHealthAsync()).IsHealthy.Should().BeTrue();
    }

    [Fact]
    public async Task Consolidate_DecaysImportance_AndCleansUpOldUnimportantMemories()
    {
        using var h = new SemanticHarness();
        var important = await h.Add("quarterly revenue target is ten million", importance: 0.8);
        var trivial = await h.Add("the coffee machine beeped twice", importance: 0.15);
        var accessed = await h.Add("the printer on floor two is broken", importance: 0.15);
        h.Time.Advance(TimeSpan.FromDays(30));
        for (var i = 0; i < 3; i++)
        {
            await h.Ask("printer floor broken", limit: 1);
        }

        h.Time.Advance(TimeSpan.FromDays(30));
        var report = await h.Memory.ConsolidateAsync(new() { ImportanceHalfLife = TimeSpan.FromDays(30), CleanupImportanceBelow = 0.05, CleanupMinAge = TimeSpan.FromDays(7), CleanupMaxAccessCount = 2 });

        report.Decayed.Should().Be(3);
        (await h.Memory.GetAsync(important.Id, MemoryScope.Shared))!.Importance.Should().BeApproximately(0.2, 1e-9, "two half-lives since it was formed");
        report.RemovedIds.Should().Equal(trivial.Id);
        (await h.Memory.GetAsync(trivial.Id, MemoryScope.Shared)).Should().BeNull();
        (await h.Memory.GetAsync(accessed.Id, MemoryScope.Shared))!.Importance.Should().BeApproximately(0.075, 1e-9, "one half-life since its last access");

        // Decay is not applied twice for the same period.
        var again = await h.Memory.ConsolidateAsync(new() { MergeDuplicates = false, Cleanup = false });
        again.Decayed.Should().Be(0);
        (await h.Memory.GetAsync(important.Id, MemoryScope.Shared))!.Importance.Should().BeApproximately(0.2, 1e-9);
    }

    [Fact]
    public async Task Consolidate_ScopeOption_TouchesOnlyThatScope()
    {
        using var h = new SemanticHarness();
        await h.Add("same words exactly", Alice);
        await h.Add("same words exactly", Alice);
        await h.Add("same words exactly", Bob);
        await h.Add("same words exactly", Bob);
        var report = await h.Memory.ConsolidateAsync(new() { Scope = Bob });
        report.Merged.Should().ContainSingle();
        (await h.Memory.GetStatisticsAsync(Alice)).Count.Should().Be(2);
        (await h.Memory.GetStatisticsAsync(Bob)).Count.Should().Be(1);
        await FluentActions.Awaiting(async () => await h.Memory.ConsolidateAsync(new() { SimilarityThreshold = 3 })).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Conversation_TurnsExpireAfterTtl_AndConversationsAreSeparate()
    {
        using var h = new SemanticHarness(configure: o => o.ConversationTtl = TimeSpan.FromMinutes(30));
        var c1 = Alice with { ConversationId = "c1" };
        var c2 = Alice with { ConversationId = "c2" };
        await h.Memory.AddConversationTurnAsync(c1, "user", "hello");
        h.Time.Advance(TimeSpan.FromMinutes(20));
        await h.Memory.AddConversationTurnAsync(c1, "assistant", "hi there");
        await h.Memory.AddConversationTurnAsync(c2, "user", "other chat");
        await h.Memory.AddConversationTurnAsync(Bob with { ConversationId = "c1" }, "user", "bob's chat with the same id");

        (await h.Memory.GetConversationAsync(c1)).Select(t => (t.Role, t.Content)).Should().Equal(("user", "hello"), ("assistant", "hi there"));
        (await h.Memory.GetConversationAsync(c1, maxTurns: 1)).Select(t => t.Content).Should().Equal("hi there");
        (await h.Memory.GetConversationAsync(c2)).Select(t => t.Content).Should().Equal("other chat");

        h.Time.Advance(TimeSpan.FromMinutes(15));
        (await h.Memory.GetConversationAsync(c1)).Select(t => t.Content).Should().Equal("hi there");
        h.Time.Advance(TimeSpan.FromMinutes(20));
        (await h.Memory.GetConversationAsync(c1)).Should().BeEmpty();

        await FluentActions.Awaiting(async () => await h.Memory.AddConversationTurnAsync(Alice, "user", "x")).Should().ThrowAsync<ArgumentException>().WithMessage("*ConversationId*");
        await FluentActions.Awaiting(async () => await h.Memory.AddConversationTurnAsync(c1, " ", "x")).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task RetrieveMulti_AggregatesAcrossQueries()
    {
        using var h = new SemanticHarness();
        var cats = await h.Add("cats purr when content", importance: 0.5);
        var dogs = await h.Add("dogs bark at strangers", importance: 0.5);
        var both = await h.Add("cats and dogs can be friends", importance: 0.5);
        await h.Add("quantum chromodynamics lecture notes", importance: 0.5);
        var template = new MemoryQuery { Text = "ignored", Limit = 3, MinRelevance = 0.2 };

        var sum = await h.Memory.RetrieveMultiAsync(["cats", "dogs"], template, MultiQueryAggregation.Sum);
        sum.Select(r => r.Memory.Id).Should().BeEquivalentTo([cats.Id, dogs.Id, both.Id]);
        sum[0].Memory.Id.Should().Be(both.Id, "it matches both queries");

        var max = await h.Memory.RetrieveMultiAsync(["cats", "dogs"], template, MultiQueryAggregation.Max);
        max.Select(r => r.Memory.Id).Should().BeEquivalentTo([cats.Id, dogs.Id, both.Id]);
        var mean = await h.Memory.RetrieveMultiAsync(["cats", "dogs"], template, MultiQueryAggregation.Mean);
        mean.Single(r => r.Memory.Id == both.Id).Score.Should().BeApproximately(sum.Single(r => r.Memory.Id == both.Id).Score / 2, 1e-12);
        var rrf = await h.Memory.RetrieveMultiAsync(["cats", "dogs"], template, MultiQueryAggregation.ReciprocalRank);
        rrf[0].Memory.Id.Should().Be(both.Id);

        await FluentActions.Awaiting(async () => await h.Memory.RetrieveMultiAsync([], template)).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task RetrieveContextual_FollowsSourceLinksAndSimilarity()
    {
        using var h = new SemanticHarness();
        var meeting = await h.Add("Planning meeting about the Orion launch", Alice, MemoryType.Episodic, 0.6);
        var decision = await h.Add("Decided to ship on the first of May", Alice, MemoryType.Semantic, 0.8, sources: [meeting.Id]);
        var unrelated = await h.Add("Gym membership renews in June", Alice, MemoryType.Semantic, 0.5);
        var bobs = await h.Add("Decided to ship on the first of May", Bob, MemoryType.Semantic, 0.8, sources: [meeting.Id]);

        var results = await h.Memory.RetrieveContextualAsync(new MemoryQuery { Text = "Orion launch planning", Scope = Alice, Limit = 1 }, relatedPerHit: 2, minSimilarity: 0.99);
        results.Select(r => r.Memory.Id).Should().Equal(meeting.Id, decision.Id);
        results.Should().NotContain(r => r.Memory.Id == bobs.Id || r.Memory.Id == unrelated.Id);

        var fromDecision = await h.Memory.RetrieveContextualAsync(new MemoryQuery { Text = "ship first of May", Scope = Alice, Limit = 1 }, relatedPerHit: 1, minSimilarity: 0.99);
        fromDecision.Select(r => r.Memory.Id).Should().Equal(decision.Id, meeting.Id);
    }

    [Fact]
    public async Task GetRecent_ReturnsWindowNewestFirst()
    {
        using var h = new SemanticHarness();
        var old = await h.Add("old news", Alice);
        h.Time.Advance(TimeSpan.FromHours(5));
        var mid = await h.Add("mid news", Alice, MemoryType.Episodic);
        h.Time.Advance(TimeSpan.FromHours(1));
        var fresh = await h.Add("fresh news", Alice);

        (await h.Memory.GetRecentAsync(Alice, TimeSpan.FromHours(2))).Select(r => r.Id).Should().Equal(fresh.Id, mid.Id);
        (await h.Memory.GetRecentAsync(Alice, TimeSpan.FromHours(10), limit: 2)).Select(r => r.Id).Should().Equal(fresh.Id, mid.Id);
        (await h.Memory.GetRecentAsync(Alice, TimeSpan.FromHours(10), types: [MemoryType.Semantic])).Select(r => r.Id).Should().Equal(fresh.Id, old.Id);
        await FluentActions.Awaiting(async () => await h.Memory.GetRecentAsync(Alice, TimeSpan.Zero)).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }
}
