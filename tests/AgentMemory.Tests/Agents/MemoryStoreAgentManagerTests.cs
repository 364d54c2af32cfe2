using AgentMemory.Agents;

namespace AgentMemory.Tests.Agents;

public sealed class MemoryStoreAgentManagerTests : IDisposable
{
    private readonly AgentHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Register_NewAgent_IsIdleWithDedupedCapabilities()
    {
        var agent = await _h.Manager.RegisterAgentAsync(
            new AgentInfo("a1", "data_processor") { Endpoint = "http://10.0.0.1:8080", Metadata = new Dictionary<string, string> { ["zone"] = "eu" } },
            ["sql", "ml", "sql"]);

        agent.Status.Should().Be(AgentStatus.Idle);
        agent.Capabilities.Should().Equal("sql", "ml");
        var read = await _h.Manager.GetAgentAsync("a1");
        read!.Info.Endpoint.Should().Be("http://10.0.0.1:8080");
        read.Info.Metadata!["zone"].Should().Be("eu");
        read.LastHeartbeat.Should().Be(_h.Time.GetUtcNow());
    }

    [Fact]
    public async Task Register_BadInfo_Throws()
    {
        await _h.Manager.Invoking(m => m.RegisterAgentAsync(new AgentInfo("", "t"), []).AsTask()).Should().ThrowAsync<ArgumentException>();
        await _h.Manager.Invoking(m => m.RegisterAgentAsync(new AgentInfo("a", "t") { MaxConcurrentTasks = 0 }, []).AsTask())
            .Should().ThrowAsync<ArgumentException>().WithMessage("*MaxConcurrentTasks*");
        await _h.Manager.Invoking(m => m.RegisterAgentAsync(new AgentInfo("a", "t"), [null!]).AsTask()).Should().ThrowAsync<ArgumentNullException>();
    }

    [Fact]
    public async Task SilentAgent_BecomesUnavailable_AndHeartbeatRevivesIt()
    {
        await _h.RegisterAsync("a1", 1, "sql");
        _h.Time.Advance(TimeSpan.FromSeconds(29));
        (await _h.Manager.GetAgentStatusAsync("a1")).Should().Be(AgentStatus.Idle);

        _h.Time.Advance(TimeSpan.FromSeconds(1));

        (await _h.Manager.GetAgentStatusAsync("a1")).Should().Be(AgentStatus.Unavailable);
        (await _h.Manager.GetAvailableAgentsAsync("sql")).Should().BeEmpty();
        (await _h.Manager.ListAgentsAsync()).Should().ContainSingle(a => a.Id == "a1" && !a.IsAlive);
        var assign = async () => await _h.Manager.AssignTaskAsync(AgentHarness.Task("t1"), "a1");
        (await assign.Should().ThrowAsync<AgentUnavailableException>().WithMessage("*heartbeat*")).Which.AgentId.Should().Be("a1");

        (await _h.Manager.HeartbeatAsync("a1")).Should().BeTrue();
        (await _h.Manager.GetAvailableAgentsAsync("sql")).Should().ContainSingle(a => a.Id == "a1");
    }

    [Fact]
    public async Task Heartbeat_UnknownAgent_ReturnsFalse()
    {
        (await _h.Manager.HeartbeatAsync("ghost")).Should().BeFalse();
        (await _h.Manager.GetAgentStatusAsync("ghost")).Should().BeNull();
        (await _h.Manager.GetAgentMetricsAsync("ghost")).Should().BeNull();
    }

    [Fact]
    public async Task GetAvailable_FiltersByCapabilityAndFreeSlots()
    {
        await _h.RegisterAsync("a", 1, "sql");
        await _h.RegisterAsync("b", 1, "ml");
        await _h.RegisterAsync("c", 2, "sql", "ml");
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t"), "a");

        (await _h.Manager.GetAvailableAgentsAsync("sql")).Select(a => a.Id).Should().Equal("c");
        (await _h.Manager.GetAvailableAgentsAsync()).Select(a => a.Id).Should().Equal("b", "c");
    }

    [Fact]
    public async Task Assign_BeyondCapacity_Queues_AndCompletionStartsNext()
    {
        await _h.RegisterAsync("a", 1);
        (await _h.Manager.AssignTaskAsync(AgentHarness.Task("t1"), "a")).State.Should().Be(AgentTaskState.Running);
        (await _h.Manager.AssignTaskAsync(AgentHarness.Task("t2"), "a")).State.Should().Be(AgentTaskState.Queued);
        (await _h.Manager.GetAgentStatusAsync("a")).Should().Be(AgentStatus.Saturated);

        (await _h.Manager.CompleteTaskAsync("a", "t1")).Should().BeTrue();

        var tasks = await _h.Manager.GetAgentTasksAsync("a");
        tasks.Should().ContainSingle().Which.Should().Match<AgentTaskAssignment>(t => t.Task.Id == "t2" && t.State == AgentTaskState.Running);
        (await _h.Manager.CompleteTaskAsync("a", "t1")).Should().BeFalse();
    }

    [Fact]
    public async Task Metrics_CountAssignedCompletedFailed_AndAverageDuration()
    {
        await _h.RegisterAsync("a", 2);
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t1"), "a");
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t2"), "a");
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t3"), "a");

        _h.Time.Advance(TimeSpan.FromSeconds(10));
        await _h.Manager.CompleteTaskAsync("a", "t1", succeeded: true);
        _h.Time.Advance(TimeSpan.FromSeconds(10));
        await _h.Manager.CompleteTaskAsync("a", "t2", succeeded: false);

        var metrics = await _h.Manager.GetAgentMetricsAsync("a");
        metrics.Should().Be(new AgentMetrics("a", 3, 1, 1, TimeSpan.FromSeconds(15), 1, 0));
    }

    [Fact]
    public async Task Assign_MissingCapability_OrDuplicateId_OrUnknownAgent_Throws()
    {
        await _h.RegisterAsync("a", 2, "sql");
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t1", "sql"), "a");

        await _h.Manager.Invoking(m => m.AssignTaskAsync(AgentHarness.Task("t2", "gpu"), "a").AsTask())
            .Should().ThrowAsync<AgentUnavailableException>().WithMessage("*gpu*");
        await _h.Manager.Invoking(m => m.AssignTaskAsync(AgentHarness.Task("t1"), "a").AsTask())
            .Should().ThrowAsync<ArgumentException>().WithMessage("*t1*");
        await _h.Manager.Invoking(m => m.AssignTaskAsync(AgentHarness.Task("t3"), "nobody").AsTask())
            .Should().ThrowAsync<AgentUnavailableException>().WithMessage("*not registered*");
    }

    [Fact]
    public async Task Unregister_RemovesAgent()
    {
        await _h.RegisterAsync("a");

        (await _h.Manager.UnregisterAgentAsync("a")).Should().BeTrue();
        (await _h.Manager.UnregisterAgentAsync("a")).Should().BeFalse();
        (await _h.Manager.GetAgentAsync("a")).Should().BeNull();
    }

    [Fact]
    public async Task Listing_UsesACriticalIndex_ThatUnregisterMaintains()
    {
        await _h.RegisterAsync("b");
        await _h.RegisterAsync("a");
        await _h.Store.StoreAsync("agents:agent:zz-not-an-agent-record-but-unindexed", 1);

        (await _h.Manager.ListAgentsAsync()).Select(a => a.Id).Should().Equal("a", "b");
        (await _h.Store.GetEntryInfoAsync("agents:index"))!.Priority.Should().Be(MemoryPriority.Critical);

        await _h.Manager.UnregisterAgentAsync("a");
        await _h.Manager.UnregisterAgentAsync("b");

        (await _h.Manager.ListAgentsAsync()).Should().BeEmpty();
        (await _h.Store.ExistsAsync("agents:index")).Should().BeFalse();
        await _h.RegisterAsync("c");
        (await _h.Store.GetEntryInfoAsync("agents:index"))!.Priority.Should().Be(MemoryPriority.Critical);
    }

    [Fact]
    public async Task ConcurrentRegistrations_AreAllListed()
    {
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () => await _h.RegisterAsync($"agent-{i:D2}"))));

        (await _h.Manager.ListAgentsAsync()).Should().HaveCount(50);
    }

    [Fact]
    public async Task Reregister_KeepsTasksAndMetrics()
    {
        await _h.RegisterAsync("a", 1);
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t1"), "a");

        await _h.RegisterAsync("a", 3, "new");

        (await _h.Manager.GetAgentMetricsAsync("a"))!.TasksAssigned.Should().Be(1);
        (await _h.Manager.GetAgentAsync("a"))!.Capabilities.Should().Equal("new");
    }

    [Fact]
    public async Task State_PersistsInTheStore_ForANewManager()
    {
        await _h.RegisterAsync("a", 1, "sql");
        await _h.Manager.AssignTaskAsync(AgentHarness.Task("t1"), "a");
        using var restarted = new MemoryStoreAgentManager(_h.Store, _h.Store, new AgentManagerOptions { HeartbeatTtl = TimeSpan.FromSeconds(30) }, _h.Time);

        var tasks = await restarted.GetAgentTasksAsync("a");

        tasks.Should().ContainSingle().Which.Task.Id.Should().Be("t1");
        (await restarted.GetAvailableAgentsAsync()).Should().BeEmpty("the agent is saturated");
    }

    [Fact]
    public async Task ConcurrentAssignments_ToOneAgent_AreAllCounted()
    {
        await _h.RegisterAsync("a", 4);
        const int Count = 200;

        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => Task.Run(async () => await _h.Manager.AssignTaskAsync(AgentHarness.Task($"t{i}"), "a"))));

        var metrics = await _h.Manager.GetAgentMetricsAsync("a");
        metrics!.TasksAssigned.Should().Be(Count);
        metrics.RunningTasks.Should().Be(4);
        metrics.QueuedTasks.Should().Be(Count - 4);
    }
}
