using AgentMemory.Semantic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentMemory.Tests.Semantic;

/// <summary>The leveled memory: promotion rules, idle expiry, capacity per scope, consolidation, through the public API.</summary>
public sealed class HierarchicalMemoryTests
{
    private static readonly MemoryScope Alice = MemoryScope.ForUser("alice");
    private static readonly MemoryScope Bob = MemoryScope.ForUser("bob");

    private static (SemanticHarness Harness, HierarchicalMemory Hierarchy) Create(Action<HierarchicalMemoryOptions>? configure = null)
    {
        var harness = new SemanticHarness();
        var options = new HierarchicalMemoryOptions();
        configure?.Invoke(options);
        return (harness, new HierarchicalMemory(harness.Memory, options));
    }

    private static MemoryInput Input(string content, MemoryScope? scope = null, double importance = 0.5) =>
        new() { Content = content, Scope = scope ?? Alice, Importance = importance };

    [Fact]
    public async Task Recall_PromotesThroughTheLevels_AsTheRulesSay()
    {
        var (h, hierarchy) = Create();
        using var _ = h;
        var stored = await hierarchy.StoreAsync(Input("alice's cat is called Miso", importance: 0.9));
        stored.Level.Should().Be(MemoryLevel.Immediate);

        for (var i = 1; i <= 3; i++)
        {
            var recalled = await hierarchy.RecallAsync(stored.Memory.Id, Alice);
            recalled!.Level.Should().Be(MemoryLevel.Immediate);
            recalled.Memory.AccessCount.Should().Be(i);
        }

        var fourth = await hierarchy.RecallAsync(stored.Memory.Id, Alice);
        fourth!.Level.Should().Be(MemoryLevel.Recent, "more than 3 accesses");
        fourth.PromotedFrom.Should().Be(MemoryLevel.Immediate);

        var fifth = await hierarchy.RecallAsync(stored.Memory.Id, Alice);
        fifth!.Level.Should().Be(MemoryLevel.Important, "importance 0.9 is above 0.8");

        for (var i = 1; i <= 5; i++)
        {
            (await hierarchy.ValidateAsync(stored.Memory.Id, Alice))!.Level.Should().Be(MemoryLevel.Important);
        }

        var learned = await hierarchy.ValidateAsync(stored.Memory.Id, Alice);
        learned!.Level.Should().Be(MemoryLevel.Learned, "more than 5 validations");
        learned.Validations.Should().Be(6);
        learned.Memory.Metadata[HierarchicalMemory.LevelField].AsString().Should().Be("learned");
        (await hierarchy.RecallAsync(stored.Memory.Id, Alice))!.PromotedFrom.Should().BeNull("learned is the top level");
    }

    [Fact]
    public async Task Search_FiltersByLevel_CountsAccess_AndPromotes()
    {
        var (h, hierarchy) = Create(o => o.PromoteToRecentAfterAccesses = 0);
        using var _ = h;
        var fresh = await hierarchy.StoreAsync(Input("alice plays chess on sundays"));
        var settled = await hierarchy.StoreAsync(Input("alice plays chess online"), MemoryLevel.Learned);
        await h.Memory.StoreAsync(Input("alice plays chess at the club"));

        var peek = await hierarchy.SearchAsync(new MemoryQuery { Text = "chess", Scope = Alice, UpdateAccessStatistics = false });
        peek.Select(r => r.Result.Memory.Id).Should().BeEquivalentTo([fresh.Memory.Id, settled.Memory.Id], "the plain semantic memory is not leveled");
        peek.Should().OnlyContain(r => r.PromotedFrom == null);

        var learnedOnly = await hierarchy.SearchAsync(new MemoryQuery { Text = "chess", Scope = Alice }, [MemoryLevel.Learned]);
        learnedOnly.Select(r => r.Result.Memory.Id).Should().Equal(settled.Memory.Id);

        var all = await hierarchy.SearchAsync(new MemoryQuery { Text = "chess", Scope = Alice, Filter = MetadataFilter.Exists(HierarchicalMemory.ValidationsField) });
        all.Single(r => r.Result.Memory.Id == fresh.Memory.Id).PromotedFrom.Should().Be(MemoryLevel.Immediate);
        (await hierarchy.GetAsync(fresh.Memory.Id, Alice))!.Level.Should().Be(MemoryLevel.Recent);
        (await hierarchy.GetAsync(settled.Memory.Id, Alice))!.Memory.AccessCount.Should().Be(2);
        (await hierarchy.SearchAsync(new MemoryQuery { Text = "chess", Scope = Bob })).Should().BeEmpty();
    }

    [Fact]
    public async Task IdleShortTermMemories_Expire_OnGetRecallAndSearch()
    {
        var (h, hierarchy) = Create();
        using var _ = h;
        var immediate = await hierarchy.StoreAsync(Input("alice is in meeting room 4"));
        var recent = await hierarchy.StoreAsync(Input("alice is in building 7"), MemoryLevel.Recent);
        var important = await hierarchy.StoreAsync(Input("alice is in the finance team"), MemoryLevel.Important);

        h.Time.Advance(TimeSpan.FromMinutes(59));
        (await hierarchy.GetAsync(immediate.Memory.Id, Alice)).Should().NotBeNull();
        h.Time.Advance(TimeSpan.FromMinutes(2));
        (await hierarchy.GetAsync(immediate.Memory.Id, Alice)).Should().BeNull("idle for more than an hour");
        var found = await hierarchy.SearchAsync(new MemoryQuery { Text = "where is alice", Scope = Alice });
        found.Select(r => r.Result.Memory.Id).Should().BeEquivalentTo([recent.Memory.Id, important.Memory.Id]);
        (await h.Memory.GetAsync(immediate.Memory.Id, Alice)).Should().BeNull("the search deleted the expired memory");

        h.Time.Advance(TimeSpan.FromDays(8));
        (await hierarchy.RecallAsync(recent.Memory.Id, Alice)).Should().BeNull("idle for more than seven days");
        (await hierarchy.RecallAsync(important.Memory.Id, Alice)).Should().NotBeNull("important memories do not expire");
        (await hierarchy.CountByLevelAsync(Alice)).Should().Equal(new Dictionary<MemoryLevel, int>
        {
            [MemoryLevel.Immediate] = 0, [MemoryLevel.Recent] = 0, [MemoryLevel.Important] = 1, [MemoryLevel.Learned] = 0,
        });
    }

    [Fact]
    public async Task Capacity_EvictsTheLeastValuable_PerScopeAndLevel()
    {
        var (h, hierarchy) = Create(o => o.ImmediateCapacity = 3);
        using var _ = h;
        var bobs = await hierarchy.StoreAsync(Input("bob note", Bob, importance: 0.1));
        var low = await hierarchy.StoreAsync(Input("note a", importance: 0.2));
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var older = await hierarchy.StoreAsync(Input("note b", importance: 0.5));
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await hierarchy.StoreAsync(Input("note c", importance: 0.5));
        await hierarchy.StoreAsync(Input("note d", importance: 0.9));
        (await h.Memory.GetAsync(low.Memory.Id, Alice)).Should().BeNull("the least important memory went first");

        await hierarchy.StoreAsync(Input("note e", importance: 0.7));
        (await h.Memory.GetAsync(older.Memory.Id, Alice)).Should().BeNull("of equal importance, the least recently used went");
        (await hierarchy.CountByLevelAsync(Alice))[MemoryLevel.Immediate].Should().Be(3);
        (await hierarchy.GetAsync(bobs.Memory.Id, Bob)).Should().NotBeNull("capacity is per scope: alice never evicts bob");
    }

    [Fact]
    public async Task Consolidate_PromotesToAFixedPoint_ExpiresAndEvicts()
    {
        var (h, hierarchy) = Create(o => { o.RecentCapacity = 1; o.PromoteToRecentAfterAccesses = 0; });
        using var _ = h;
        var climber = await hierarchy.StoreAsync(Input("alice's passport number ends in 42", importance: 0.95));
        await h.Memory.RetrieveAsync(new MemoryQuery { Text = "passport", Scope = Alice });
        var stale = await hierarchy.StoreAsync(Input("alice asked about the weather"));
        var r1 = await hierarchy.StoreAsync(Input("recent one", importance: 0.3), MemoryLevel.Recent);
        var r2 = await hierarchy.StoreAsync(Input("recent two", importance: 0.6), MemoryLevel.Recent);
        (await h.Memory.GetAsync(r1.Memory.Id, Alice)).Should().BeNull("storing a second recent memory evicted the first");
        h.Time.Advance(TimeSpan.FromMinutes(75));

        var report = await hierarchy.ConsolidateAsync();

        report.Promoted.Should().Equal(new LevelChange(climber.Memory.Id, MemoryLevel.Immediate, MemoryLevel.Recent), new LevelChange(climber.Memory.Id, MemoryLevel.Recent, MemoryLevel.Important));
        report.ExpiredIds.Should().Equal(stale.Memory.Id);
        report.EvictedIds.Should().BeEmpty();
        report.CountByLevel[MemoryLevel.Important].Should().Be(1);
        report.CountByLevel[MemoryLevel.Recent].Should().Be(1);
        (await hierarchy.GetAsync(r2.Memory.Id, Alice)).Should().NotBeNull();
    }

    [Fact]
    public async Task Move_SetsTheLevel_AndInvalidArgumentsThrow()
    {
        var (h, hierarchy) = Create();
        using var _ = h;
        var m = await hierarchy.StoreAsync(Input("alice is vegetarian"), MemoryLevel.Learned);
        (await hierarchy.MoveAsync(m.Memory.Id, Alice, MemoryLevel.Recent))!.Level.Should().Be(MemoryLevel.Recent);
        (await hierarchy.MoveAsync(m.Memory.Id, Bob, MemoryLevel.Learned)).Should().BeNull("bob cannot see alice's memory");
        (await hierarchy.RecallAsync("missing", Alice)).Should().BeNull();

        var reserved = new MemoryInput { Content = "x", Scope = Alice, Metadata = new Dictionary<string, MetadataValue> { [HierarchicalMemory.LevelField] = "learned" } };
        await FluentActions.Awaiting(() => hierarchy.StoreAsync(reserved).AsTask()).Should().ThrowAsync<ArgumentException>().WithMessage("*reserved*");
        await FluentActions.Awaiting(() => hierarchy.StoreAsync(Input("x"), (MemoryLevel)9).AsTask()).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => hierarchy.SearchAsync(new MemoryQuery { Text = "x", Scope = Alice }, [(MemoryLevel)9]).AsTask()).Should().ThrowAsync<ArgumentException>();
        var act = () => new HierarchicalMemory(h.Memory, new HierarchicalMemoryOptions { ImmediateCapacity = 0, RecentMaxIdle = TimeSpan.Zero });
        act.Should().Throw<ArgumentException>().WithMessage("*ImmediateCapacity*").WithMessage("*RecentMaxIdle*");
    }

    [Fact]
    public async Task ConcurrentRecalls_CountEveryAccess_AndPromoteOnce()
    {
        var (h, hierarchy) = Create();
        using var _ = h;
        var m = await hierarchy.StoreAsync(Input("alice's locker code is 1234"));
        using var barrier = new Barrier(4);
        var promotions = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            for (var i = 0; i < 50; i++)
            {
                if ((await hierarchy.RecallAsync(m.Memory.Id, Alice))!.PromotedFrom is not null)
                {
                    Interlocked.Increment(ref promotions);
                }
            }
        })));

        var after = await hierarchy.GetAsync(m.Memory.Id, Alice);
        after!.Memory.AccessCount.Should().Be(200);
        promotions.Should().Be(1, "exactly one recall saw the fourth access and promoted it to recent; importance 0.5 keeps it there");
        after.Level.Should().Be(MemoryLevel.Recent);
    }

    [Fact]
    public async Task DependencyInjection_RegistersTheHierarchy_OverTheSemanticMemory()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(SemanticHarness.Epoch));
        services.AddAgentMemory().AddHierarchicalMemory(o => o.ImmediateCapacity = 2);
        await using var provider = services.BuildServiceProvider();
        var hierarchy = provider.GetRequiredService<IHierarchicalMemory>();
        var semantic = provider.GetRequiredService<ISemanticMemory>();
        var stored = await hierarchy.StoreAsync(Input("alice likes tea"));
        (await semantic.GetAsync(stored.Memory.Id, Alice))!.Metadata[HierarchicalMemory.LevelField].AsString().Should().Be("immediate");

        var bad = new ServiceCollection();
        bad.AddAgentMemory().AddHierarchicalMemory(o => o.LearnedCapacity = 0);
        await using var badProvider = bad.BuildServiceProvider();
        var act = () => badProvider.GetRequiredService<IHierarchicalMemory>();
        act.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*LearnedCapacity*");
    }
}
