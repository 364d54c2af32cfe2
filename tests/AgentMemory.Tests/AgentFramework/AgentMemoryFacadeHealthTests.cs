using AgentMemory.AgentFramework;
using AgentMemory.Locks;
using AgentMemory.Storage;

namespace AgentMemory.Tests.AgentFramework;

public sealed class AgentMemoryFacadeHealthTests
{
    [Fact]
    public async Task Health_AllComponentsHealthy()
    {
        using var h = new FacadeHarness();
        await h.Agents.RegisterAgentAsync(new AgentInfo("a", "w"), []);

        var report = await h.Memory.CheckHealthAsync();

        report.Status.Should().Be(MemoryHealthStatus.Healthy);
        report.Components.Select(c => c.Component).Should().Equal("store", "locks", "agents", "embeddings");
        report.Components.Should().OnlyContain(c => c.Status == MemoryHealthStatus.Healthy && c.Reasons.Count > 0);
        (await h.Store.ListKeysAsync("af:health*")).Should().BeEmpty("the probe is cleaned up");
    }

    [Fact]
    public async Task Health_SilentAgents_DegradeThenFailTheAgentsComponent()
    {
        using var h = new FacadeHarness();
        await h.Agents.RegisterAgentAsync(new AgentInfo("quiet", "w"), []);
        h.Time.Advance(TimeSpan.FromSeconds(20));
        await h.Agents.RegisterAgentAsync(new AgentInfo("chatty", "w"), []);
        h.Time.Advance(TimeSpan.FromSeconds(15));

        var degraded = await h.Memory.CheckHealthAsync();

        degraded.Status.Should().Be(MemoryHealthStatus.Degraded);
        var agents = degraded.Components.Single(c => c.Component == "agents");
        agents.Status.Should().Be(MemoryHealthStatus.Degraded);
        agents.Reasons.Should().ContainSingle().Which.Should().Contain("1 of 2").And.Contain("quiet");

        h.Time.Advance(TimeSpan.FromSeconds(30));
        (await h.Memory.CheckHealthAsync()).Status.Should().Be(MemoryHealthStatus.Unhealthy);
    }

    [Fact]
    public async Task Health_StoreNearCapacity_IsDegraded()
    {
        using var h = new FacadeHarness(o => o.MaxEntries = 10);
        for (var i = 0; i < 9; i++)
        {
            await h.Store.StoreAsync($"k{i}", i);
        }

        var report = await h.Memory.CheckHealthAsync();

        var store = report.Components.Single(c => c.Component == "store");
        store.Status.Should().Be(MemoryHealthStatus.Degraded);
        store.Reasons.Should().ContainSingle().Which.Should().Contain("of at most 10 entries");
    }

    [Fact]
    public async Task Health_FailingStore_IsReportedUnhealthy_NotThrown()
    {
        var store = new InMemoryStore();
        using var locks = new MemoryStoreLockProvider(store, store);
        using var memory = new AgentMemoryFacade(store, store, locks);
        store.Dispose();

        var report = await memory.CheckHealthAsync();

        report.Status.Should().Be(MemoryHealthStatus.Unhealthy);
        report.Components.Single(c => c.Component == "store").Reasons.Should().ContainSingle().Which.Should().Contain("ObjectDisposedException");
        report.Components.Select(c => c.Component).Should().NotContain("agents");
    }

    [Fact]
    public void Constructor_BadOptions_NamesTheOption()
    {
        using var h = new FacadeHarness();

        var act = () => new AgentMemoryFacade(h.Store, h.Store, h.Locks, null, new AgentMemoryFacadeOptions { CapacityWarningRatio = 2 });

        act.Should().Throw<ArgumentException>().WithMessage("*CapacityWarningRatio*");
    }
}
