namespace AgentMemory.Tests.AgentFramework;

public sealed class WorkingMemoryTests : IDisposable
{
    private readonly FacadeHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task StoreContext_RoutesByImportance()
    {
        var wm = _h.Memory.OpenWorkingMemory("agent-1");

        (await wm.StoreContextAsync("current_user", "Alice", 0.9)).Should().Be(WorkingMemorySource.LongTerm);
        (await wm.StoreContextAsync("temporary_calculation", "42", 0.3)).Should().Be(WorkingMemorySource.ShortTerm);
        (await wm.StoreContextAsync("learned_pattern", "detailed", 0.8)).Should().Be(WorkingMemorySource.ShortTerm, "the threshold is exclusive, as in the seed");

        var user = await wm.RecallAsync<string>("current_user");
        user.Should().Be(new WorkingMemoryItem<string>("current_user", "Alice", WorkingMemorySource.LongTerm, 0.9, _h.Time.GetUtcNow()));
    }

    [Fact]
    public async Task ShortTerm_Expires_LongTerm_Stays()
    {
        var wm = _h.Memory.OpenWorkingMemory("agent-1", new WorkingMemoryOptions { ShortTermTtl = TimeSpan.FromMinutes(30) });
        await wm.StoreContextAsync("fact", "kept", 0.95);
        await wm.StoreContextAsync("scratch", "gone", 0.1);

        _h.Time.Advance(TimeSpan.FromMinutes(30));

        (await wm.RecallAsync<string>("scratch")).Should().BeNull();
        (await wm.RecallAsync<string>("fact"))!.Value.Should().Be("kept");
    }

    [Fact]
    public async Task ActiveContext_IsNewestShortTermThenMostImportantFacts()
    {
        var wm = _h.Memory.OpenWorkingMemory("agent-1");
        await wm.StoreContextAsync("fact-low", "f1", 0.85);
        await wm.StoreContextAsync("fact-high", "f2", 0.99);
        await wm.StoreContextAsync("old", "s1", 0.2);
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        await wm.StoreContextAsync("new", "s2", 0.2);

        var active = await wm.GetActiveContextAsync<string>();
        active.Select(i => i.Key).Should().Equal("new", "old", "fact-high", "fact-low");
        (await wm.GetActiveContextAsync<string>(3)).Select(i => i.Key).Should().Equal("new", "old", "fact-high");
    }

    [Fact]
    public async Task Capacity_DropsOldestShortTerm_AndLeastImportantLongTerm()
    {
        var wm = _h.Memory.OpenWorkingMemory("agent-1", new WorkingMemoryOptions { ShortTermCapacity = 2, LongTermCapacity = 2 });
        for (var i = 0; i < 3; i++)
        {
            await wm.StoreContextAsync($"s{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), 0.1);
            _h.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await wm.StoreContextAsync("f-mid", "m", 0.9);
        await wm.StoreContextAsync("f-low", "l", 0.85);
        await wm.StoreContextAsync("f-top", "t", 1.0);

        (await wm.GetActiveContextAsync<string>(10)).Select(i => i.Key).Should().Equal("s2", "s1", "f-top", "f-mid");
    }

    [Fact]
    public async Task ExpiredShortTermItems_AreSkipped_AndDoNotCountAgainstCapacity()
    {
        var wm = _h.Memory.OpenWorkingMemory("agent-1", new WorkingMemoryOptions { ShortTermCapacity = 2, ShortTermTtl = TimeSpan.FromMinutes(1) });
        await wm.StoreContextAsync("old1", "x", 0.1);
        await wm.StoreContextAsync("old2", "y", 0.1);
        _h.Time.Advance(TimeSpan.FromMinutes(1));

        (await wm.GetActiveContextAsync<string>()).Should().BeEmpty();
        await wm.StoreContextAsync("new1", "a", 0.1);
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        await wm.StoreContextAsync("new2", "b", 0.1);

        (await wm.GetActiveContextAsync<string>()).Select(i => i.Key).Should().Equal("new2", "new1");
        (await _h.Store.GetHashLengthAsync("af:wm:7:agent-1:idx:st")).Should().Be(2, "stale index fields are dropped at the capacity check");
    }

    [Fact]
    public async Task ConcurrentStores_KeepTheCapacity()
    {
        var wm = _h.Memory.OpenWorkingMemory("agent-1", new WorkingMemoryOptions { ShortTermCapacity = 10 });

        await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(async () => await wm.StoreContextAsync($"k{i}", i, 0.1))));

        (await wm.GetActiveContextAsync<int>(100)).Should().HaveCount(10);
    }

    [Fact]
    public async Task RestoringAKey_MovesItBetweenParts()
    {
        var wm = _h.Memory.OpenWorkingMemory("agent-1");
        await wm.StoreContextAsync("k", "short", 0.1);
        await wm.StoreContextAsync("k", "long", 0.9);

        var items = await wm.GetActiveContextAsync<string>();

        items.Should().ContainSingle().Which.Should().Match<WorkingMemoryItem<string>>(i => i.Source == WorkingMemorySource.LongTerm && i.Value == "long");
    }

    [Fact]
    public async Task AgentsDoNotSeeEachOthersMemory_AndForgetAndClearWork()
    {
        var a = _h.Memory.OpenWorkingMemory("a");
        var ab = _h.Memory.OpenWorkingMemory("a:b");
        await a.StoreContextAsync("b:st:x", "1", 0.1);
        await ab.StoreContextAsync("x", "2", 0.1);
        await a.StoreContextAsync("f", "3", 0.9);

        (await ab.GetActiveContextAsync<string>()).Select(i => i.Value).Should().Equal("2");
        (await a.ForgetAsync("b:st:x")).Should().BeTrue();
        (await a.ForgetAsync("b:st:x")).Should().BeFalse();
        (await a.ClearAsync(WorkingMemorySource.LongTerm)).Should().Be(1);
        (await a.GetActiveContextAsync<string>()).Should().BeEmpty();
        (await ab.RecallAsync<string>("x"))!.Value.Should().Be("2");
    }

    [Fact]
    public async Task BadArguments_Throw()
    {
        var wm = _h.Memory.OpenWorkingMemory("a");

        await wm.Invoking(w => w.StoreContextAsync("k", 1, 1.5).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await wm.Invoking(w => w.StoreContextAsync("", 1).AsTask()).Should().ThrowAsync<ArgumentException>();
        await wm.Invoking(w => w.GetActiveContextAsync<int>(0).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        _h.Memory.Invoking(m => m.OpenWorkingMemory("a", new WorkingMemoryOptions { ShortTermCapacity = 0 })).Should().Throw<ArgumentException>().WithMessage("*ShortTermCapacity*");
    }
}
