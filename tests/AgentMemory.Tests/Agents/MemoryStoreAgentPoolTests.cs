namespace AgentMemory.Tests.Agents;

public sealed class MemoryStoreAgentPoolTests : IDisposable
{
    private readonly AgentHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Theory]
    [InlineData(-1, 5, 2)]
    [InlineData(3, 2, 2)]
    [InlineData(1, 5, 6)]
    [InlineData(2, 5, 1)]
    [InlineData(0, 0, 0)]
    public async Task Create_InconsistentBounds_Throws(int min, int max, int target)
    {
        await _h.Pools.Invoking(p => p.CreatePoolAsync("p", new AgentPoolConfig(min, max, target)).AsTask())
            .Should().ThrowAsync<ArgumentException>().WithMessage("*MinSize*");
    }

    [Fact]
    public async Task Create_Duplicate_Throws()
    {
        await _h.Pools.CreatePoolAsync("p", new AgentPoolConfig(0, 2, 1));

        await _h.Pools.Invoking(p => p.CreatePoolAsync("p", new AgentPoolConfig(0, 2, 1)).AsTask())
            .Should().ThrowAsync<AgentPoolException>().WithMessage("*already exists*");
    }

    [Fact]
    public async Task Add_BeyondMax_AndRemove_BelowMin_FailWithClearErrors()
    {
        await _h.Pools.CreatePoolAsync("p", new AgentPoolConfig(1, 2, 2));
        foreach (var id in new[] { "a", "b", "c" })
        {
            await _h.RegisterAsync(id);
        }

        (await _h.Pools.AddAgentAsync("p", "a")).Should().BeTrue();
        (await _h.Pools.AddAgentAsync("p", "a")).Should().BeFalse();
        (await _h.Pools.AddAgentAsync("p", "b")).Should().BeTrue();
        var overMax = (await _h.Pools.Invoking(p => p.AddAgentAsync("p", "c").AsTask()).Should().ThrowAsync<AgentPoolException>().WithMessage("*maximum size of 2*")).Which;
        overMax.PoolId.Should().Be("p");

        (await _h.Pools.RemoveAgentAsync("p", "a")).Should().BeTrue();
        await _h.Pools.Invoking(p => p.RemoveAgentAsync("p", "b").AsTask()).Should().ThrowAsync<AgentPoolException>().WithMessage("*minimum size of 1*");
        (await _h.Pools.RemoveAgentAsync("p", "zzz")).Should().BeFalse();
        (await _h.Pools.GetPoolAgentsAsync("p")).Should().Equal("b");
    }

    [Fact]
    public async Task Add_UnregisteredAgent_OrUnknownPool_Throws()
    {
        await _h.Pools.CreatePoolAsync("p", new AgentPoolConfig(0, 2, 1));
        await _h.RegisterAsync("a");

        await _h.Pools.Invoking(p => p.AddAgentAsync("p", "ghost").AsTask()).Should().ThrowAsync<AgentPoolException>().WithMessage("*not registered*");
        await _h.Pools.Invoking(p => p.AddAgentAsync("nope", "a").AsTask()).Should().ThrowAsync<AgentPoolException>().WithMessage("*No pool*");
        await _h.Pools.Invoking(p => p.GetCapacityAsync("nope").AsTask()).Should().ThrowAsync<AgentPoolException>();
    }

    [Fact]
    public async Task Capacity_CountsSlotsOfAliveMembers()
    {
        await _h.Pools.CreatePoolAsync("p", new AgentPoolConfig(0, 5, 3));
        await _h.RegisterAsync("dead", 4);
        _h.Time.Advance(TimeSpan.FromSeconds(31));
        await _h.RegisterAsync("a", 2);
        await _h.RegisterAsync("b", 3);
        foreach (var id in new[] { "dead", "a", "b" })
        {
            await _h.Pools.AddAgentAsync("p", id);
        }

        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t1"), "a");

        var capacity = await _h.Pools.GetCapacityAsync("p");
        capacity.Should().Be(new AgentPoolCapacity("p", new AgentPoolConfig(0, 5, 3), 3, 2, 5, 1));
        capacity.FreeSlots.Should().Be(4);
        capacity.Headroom.Should().Be(2);
    }

    [Fact]
    public async Task Scale_Up_ReportsAgentsToStart_AndDeadMembersToStop()
    {
        await _h.Pools.CreatePoolAsync("p", new AgentPoolConfig(1, 6, 3));
        await _h.RegisterAsync("dead");
        _h.Time.Advance(TimeSpan.FromSeconds(31));
        await _h.RegisterAsync("a");
        await _h.RegisterAsync("b");
        foreach (var id in new[] { "dead", "a", "b" })
        {
            await _h.Pools.AddAgentAsync("p", id);
        }

        var plan = await _h.Pools.ScaleAsync("p", 5);

        plan.Should().BeEquivalentTo(new AgentPoolScalePlan("p", 3, 5, 2, 3, ["dead"]));
        (await _h.Pools.GetCapacityAsync("p")).Config.TargetSize.Should().Be(5);
    }

    [Fact]
    public async Task Scale_Down_StopsLeastLoadedMembers()
    {
        await _h.Pools.CreatePoolAsync("p", new AgentPoolConfig(1, 6, 3));
        foreach (var id in new[] { "a", "b", "c" })
        {
            await _h.RegisterAsync(id, 5);
            await _h.Pools.AddAgentAsync("p", id);
        }

        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t1"), "a");
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t2"), "c");

        var plan = await _h.Pools.ScaleAsync("p", 1);

        plan.AgentsToStart.Should().Be(0);
        plan.AgentsToStop.Should().Equal("b", "a");
    }

    [Fact]
    public async Task Scale_OutsideBounds_Throws()
    {
        await _h.Pools.CreatePoolAsync("p", new AgentPoolConfig(1, 3, 2));

        await _h.Pools.Invoking(p => p.ScaleAsync("p", 4).AsTask()).Should().ThrowAsync<AgentPoolException>().WithMessage("*bounds are 1 to 3*");
        await _h.Pools.Invoking(p => p.ScaleAsync("p", 0).AsTask()).Should().ThrowAsync<AgentPoolException>();
    }

    [Fact]
    public async Task Metrics_SumOverMembers()
    {
        await _h.Pools.CreatePoolAsync("p", new AgentPoolConfig(0, 3, 2));
        await _h.RegisterAsync("a", 1);
        await _h.RegisterAsync("b", 1);
        await _h.Pools.AddAgentAsync("p", "a");
        await _h.Pools.AddAgentAsync("p", "b");
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t1"), "a");
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t2"), "a");
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t3"), "b");
        _h.Time.Advance(TimeSpan.FromSeconds(4));
        await _h.Manager.CompleteTaskAsync("b", "t3", succeeded: false);

        var metrics = await _h.Pools.GetMetricsAsync("p");

        metrics.Should().Be(new AgentPoolMetrics("p", 2, 2, 1, 1, 3, 0, 1, TimeSpan.FromSeconds(4), 1.0));
    }

    [Fact]
    public async Task Rebalance_MovesQueuedWorkFromOverloadedToIdleMembers()
    {
        await _h.Pools.CreatePoolAsync("p", new AgentPoolConfig(0, 3, 3));
        await _h.RegisterAsync("busy", 1, "sql");
        await _h.RegisterAsync("idle", 2, "sql");
        await _h.RegisterAsync("wrongskills", 5, "ml");
        foreach (var id in new[] { "busy", "idle", "wrongskills" })
        {
            await _h.Pools.AddAgentAsync("p", id);
        }

        for (var i = 1; i <= 4; i++)
        {
            await _h.Manager.AssignTaskAsync(AgentHarness.Task($"t{i}", "sql"), "busy");
        }

        var result = await _h.Pools.RebalanceAsync("p");

        result.Moves.Should().Equal(new AgentTaskMove("t2", "busy", "idle"), new AgentTaskMove("t3", "busy", "idle"));
        result.StillQueued.Should().Be(1);
        (await _h.Manager.GetAgentTasksAsync("idle")).Should().OnlyContain(t => t.State == AgentTaskState.Running).And.HaveCount(2);
        (await _h.Manager.GetAgentTasksAsync("busy")).Select(t => (t.Task.Id, t.State)).Should().Equal(("t1", AgentTaskState.Running), ("t4", AgentTaskState.Queued));
    }

    [Fact]
    public async Task Rebalance_ReassignsEveryTaskOfASilentMember()
    {
        await _h.Pools.CreatePoolAsync("p", new AgentPoolConfig(0, 3, 2));
        await _h.RegisterAsync("silent", 2);
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t1"), "silent");
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t2"), "silent");
        _h.Time.Advance(TimeSpan.FromSeconds(31));
        await _h.RegisterAsync("fresh", 4);
        await _h.Pools.AddAgentAsync("p", "silent");
        await _h.Pools.AddAgentAsync("p", "fresh");

        var result = await _h.Pools.RebalanceAsync("p");

        result.Moves.Select(m => m.TaskId).Should().Equal("t1", "t2");
        (await _h.Manager.GetAgentTasksAsync("silent")).Should().BeEmpty();
        (await _h.Manager.GetAgentTasksAsync("fresh")).Should().HaveCount(2);
    }
}
