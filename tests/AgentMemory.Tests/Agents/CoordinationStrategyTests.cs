namespace AgentMemory.Tests.Agents;

public sealed class CoordinationStrategyTests : IDisposable
{
    private readonly AgentHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task RoundRobin_GivesEachAgentATurnInIdOrder()
    {
        foreach (var id in new[] { "c", "a", "b" })
        {
            await _h.RegisterAsync(id, 10);
        }

        var tasks = Enumerable.Range(1, 6).Select(i => AgentHarness.Task($"t{i}")).ToArray();
        var result = await _h.Manager.CoordinateAsync(new CoordinationRequest(tasks, CoordinationStrategy.RoundRobin));

        result.Assignments.Select(a => (a.Task.Id, a.AgentId)).Should().Equal(
            ("t1", "a"), ("t2", "b"), ("t3", "c"), ("t4", "a"), ("t5", "b"), ("t6", "c"));
        result.Unassigned.Should().BeEmpty();
    }

    [Fact]
    public async Task RoundRobin_ContinuesWhereThePreviousCallStopped()
    {
        await _h.RegisterAsync("a", 10);
        await _h.RegisterAsync("b", 10);

        var first = await _h.Manager.CoordinateAsync(new CoordinationRequest([AgentHarness.Task("t1")], CoordinationStrategy.RoundRobin));
        var second = await _h.Manager.CoordinateAsync(new CoordinationRequest([AgentHarness.Task("t2")], CoordinationStrategy.RoundRobin));

        first.Assignments.Single().AgentId.Should().Be("a");
        second.Assignments.Single().AgentId.Should().Be("b");
    }

    [Fact]
    public async Task LeastLoaded_FillsTheEmptiestAgentsFirst()
    {
        await _h.RegisterAsync("a", 4);
        await _h.RegisterAsync("b", 4);
        await _h.RegisterAsync("c", 4);
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("pre1"), "a");
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("pre2"), "a");
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("pre3"), "c");

        var result = await _h.Manager.CoordinateAsync(new CoordinationRequest(
            [AgentHarness.Task("t1"), AgentHarness.Task("t2"), AgentHarness.Task("t3")], CoordinationStrategy.LeastLoaded));

        result.Assignments.Select(a => a.AgentId).Should().Equal("b", "b", "c");
        foreach (var id in new[] { "a", "b", "c" })
        {
            (await _h.Manager.GetAgentAsync(id))!.Load.Should().Be(2);
        }
    }

    [Fact]
    public async Task LeastLoaded_WeighsLoadByConcurrencyLimit()
    {
        await _h.RegisterAsync("big", 4);
        await _h.RegisterAsync("small", 1);

        var tasks = Enumerable.Range(1, 5).Select(i => AgentHarness.Task($"t{i}")).ToArray();
        var result = await _h.Manager.CoordinateAsync(new CoordinationRequest(tasks, CoordinationStrategy.LeastLoaded));

        result.Assignments.Count(a => a.AgentId == "big").Should().Be(4);
        result.Assignments.Count(a => a.AgentId == "small").Should().Be(1);
    }

    [Fact]
    public async Task CapabilityMatch_PrefersTheTightestFit_AndReportsUnplaceableTasks()
    {
        await _h.RegisterAsync("generalist", 10, "sql", "python", "ml");
        await _h.RegisterAsync("specialist", 10, "sql");

        var result = await _h.Manager.CoordinateAsync(new CoordinationRequest(
            [AgentHarness.Task("q", "sql"), AgentHarness.Task("train", "ml"), AgentHarness.Task("render", "gpu")],
            CoordinationStrategy.CapabilityMatch));

        result.Assignments.Select(a => (a.Task.Id, a.AgentId)).Should().Equal(("q", "specialist"), ("train", "generalist"));
        result.Unassigned.Should().ContainSingle().Which.Reason.Should().Contain("gpu");
    }

    [Fact]
    public async Task EveryStrategy_SkipsUnavailableAndExcludedAgents()
    {
        await _h.RegisterAsync("dead", 10);
        _h.Time.Advance(TimeSpan.FromSeconds(31));
        await _h.RegisterAsync("alive", 10);
        await _h.RegisterAsync("excluded", 10);

        foreach (var strategy in Enum.GetValues<CoordinationStrategy>())
        {
            var result = await _h.Manager.CoordinateAsync(new CoordinationRequest([AgentHarness.Task($"t-{strategy}")], strategy) { Agents = ["dead", "alive"] });
            result.Assignments.Should().ContainSingle().Which.AgentId.Should().Be("alive");
        }
    }

    [Fact]
    public async Task Coordinate_NoAgents_ReportsEveryTaskUnassigned()
    {
        var result = await _h.Manager.CoordinateAsync(new CoordinationRequest([AgentHarness.Task("t1")], CoordinationStrategy.RoundRobin));

        result.Assignments.Should().BeEmpty();
        result.Unassigned.Should().ContainSingle().Which.Task.Id.Should().Be("t1");
    }

    [Fact]
    public async Task Coordinate_UndefinedStrategy_Throws()
    {
        await _h.Manager.Invoking(m => m.CoordinateAsync(new CoordinationRequest([], (CoordinationStrategy)42)).AsTask())
            .Should().ThrowAsync<ArgumentException>();
    }
}
